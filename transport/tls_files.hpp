// Where the server's TLS certificate and key are (transport.tls.*). No OpenSSL here: the
// options travel through headers that must not pull it in.
#pragma once

#include <string>

namespace mcprt::transport {

/// The server's certificate and key, and whom it asks for a client certificate.
struct tls_files {
  std::string cert_file;       ///< PEM: the certificate, then its chain.
  std::string key_file;        ///< PEM: the private key.
  std::string client_ca_file;  ///< PEM: CAs whose client certificates are accepted; empty: none.
  bool client_cert_required = false;  ///< Refuse a handshake without a client certificate.
  bool enabled() const { return !cert_file.empty(); }
};

}  // namespace mcprt::transport
