// Outbound HTTP/1.1 over Beast, for the identity room (authorization server metadata, JWKS,
// introspection): its own io_context on one thread, so a slow or unreachable issuer never
// holds a thread that serves clients. HTTPS verifies the peer against the system's CA store
// (and an optional extra CA file) and the URL's host name; TLS 1.2 or later.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "runtime/codec/expected.hpp"
#include "runtime/io/http_fetch.hpp"

namespace mcprt::transport {

/// An http_fetcher with its own thread. Destroying it cancels what is in flight.
class http_client final : public http_fetcher {
 public:
  /// `extra_ca_file`: a PEM bundle trusted besides the system's (empty: none).
  static expected<std::unique_ptr<http_client>, std::string> make(const std::string& extra_ca_file);
  ~http_client() override;

  void fetch(fetch_request request, std::function<void(fetch_result)> done) override;

 private:
  struct impl;
  explicit http_client(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

}  // namespace mcprt::transport
