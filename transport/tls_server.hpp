// The server side of TLS (transport.tls.*): one OpenSSL context shared by every connection,
// TLS 1.2 or later with forward-secret AEAD suites, and optionally client certificates
// verified against a CA file.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "runtime/codec/expected.hpp"
#include "transport/tls_files.hpp"

namespace mcprt::transport {

/// The context for `files`, or why it cannot be made (a file unreadable, a key that does not
/// match the certificate), with OpenSSL's words.
expected<std::shared_ptr<boost::asio::ssl::context>, std::string> make_server_tls(
    const tls_files& files);

/// The subject (RFC 2253) of the client certificate `ssl` verified, or empty when the client
/// sent none.
std::string verified_client_subject(SSL* ssl);

}  // namespace mcprt::transport
