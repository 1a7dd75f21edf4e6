// Settings follow the widely used "intermediate" server profile: TLS 1.2 and 1.3, ECDHE key
// exchange, AES-GCM and ChaCha20-Poly1305 only, no compression, no renegotiation.
#include "transport/tls_server.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace mcprt::transport {

namespace ssl = boost::asio::ssl;

namespace {

// TLS 1.2 suites (TLS 1.3 has only AEAD suites and OpenSSL's defaults are kept).
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// OpenSSL's reason for the last failure, or `fallback`.
std::string openssl_reason(const std::string& fallback) {
  unsigned long code = 0;
  unsigned long last = 0;
  while ((code = ERR_get_error()) != 0) {
    last = code;
  }
  if (last == 0) {
    return fallback;
  }
  char text[256];
  ERR_error_string_n(last, text, sizeof text);
  return text;
}

}  // namespace

expected<std::shared_ptr<boost::asio::ssl::context>, std::string> make_server_tls(
    const tls_files& files) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  auto* native = ctx->native_handle();
  ERR_clear_error();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native,
                      SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_SINGLE_ECDH_USE);
  if (SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1) {
    return "transport.tls: " + openssl_reason("no usable cipher suite");
  }
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(files.cert_file, ec);
  if (ec) {
    return "transport.tls.certFile '" + files.cert_file + "': " + openssl_reason(ec.message());
  }
  // OpenSSL also checks here that the key belongs to the certificate ("key values mismatch").
  ctx->use_private_key_file(files.key_file, ssl::context::pem, ec);
  if (ec) {
    return "transport.tls.keyFile '" + files.key_file + "': " + openssl_reason(ec.message());
  }
  if (!files.client_ca_file.empty()) {
    ctx->load_verify_file(files.client_ca_file, ec);
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca_file.c_str());
    if (ec || names == nullptr) {
      return "transport.tls.clientCaFile '" + files.client_ca_file +
             "': " + openssl_reason(ec ? ec.message() : "no certificate in the file");
    }
    SSL_CTX_set_client_CA_list(native, names);  // Tells clients which certificate to send.
    ctx->set_verify_mode(ssl::verify_peer |
                         (files.client_cert_required ? ssl::verify_fail_if_no_peer_cert : 0));
    // Resumed sessions keep their verified certificate; OpenSSL needs a context id for that.
    static constexpr unsigned char id[] = "mcprt";
    SSL_CTX_set_session_id_context(native, id, sizeof id - 1);
  }
  return ctx;
}

std::string verified_client_subject(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) {
    return {};
  }
  BIO* out = BIO_new(BIO_s_mem());
  if (out == nullptr) {
    return {};
  }
  X509_NAME_print_ex(out, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long n = BIO_get_mem_data(out, &data);
  std::string subject(data, static_cast<size_t>(n > 0 ? n : 0));
  BIO_free(out);
  return subject;
}

}  // namespace mcprt::transport
