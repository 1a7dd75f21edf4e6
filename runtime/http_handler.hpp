// What the HTTP transport calls for every request it has read. Implemented by the MCP
// endpoint; the transport knows nothing else about what it serves.
#pragma once

#include "runtime/http_exchange.hpp"

namespace mcprt {

/// Receives complete HTTP requests from a transport. Must not block.
class http_handler {
 public:
  virtual ~http_handler() = default;
  /// Handles one request; the answer goes to `exchange`, now or later.
  virtual void handle(http_request request, const http_exchange_ptr& exchange) = 0;
  /// The answer for a body over the configured limit.
  virtual http_response payload_too_large() const = 0;
};

}  // namespace mcprt
