// Outbound HTTP, as the rooms above the transport see it: one request, one answer, later, on
// the client's own thread. Implemented by transport/http_client (Beast, HTTP and HTTPS); the
// identity room uses it for the authorization server's metadata, keys and introspection.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "runtime/codec/expected.hpp"
#include "runtime/io/http_exchange.hpp"

namespace mcprt {
inline namespace io {

/// One outbound request.
struct fetch_request {
  std::string method = "GET";
  std::string url;  ///< Absolute http(s) URL.
  http_headers headers;
  std::string body;
  std::chrono::milliseconds timeout{5000};  ///< For the whole exchange.
  size_t max_body_bytes = size_t{1} << 20;
};

/// The answer (any status): its status, media type and body.
struct fetch_response {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

/// The answer, or one line saying why there is none (DNS, connect, TLS, timeout, size).
using fetch_result = expected<fetch_response, std::string>;

/// Sends requests; never blocks its caller. `done` runs once, on the fetcher's thread.
class http_fetcher {
 public:
  virtual ~http_fetcher() = default;
  virtual void fetch(fetch_request request, std::function<void(fetch_result)> done) = 0;
};

}  // namespace io
}  // namespace mcprt
