// What the HTTP transport calls for every request it has read. Implemented by the MCP
// endpoint; the transport knows nothing else about what it serves.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "runtime/io/http_exchange.hpp"

namespace mcprt {
inline namespace io {

/// One message-oriented connection (a WebSocket) as the protocol side sees it.
class message_connection {
 public:
  virtual ~message_connection() = default;
  /// One complete text message from the client (called from one reader at a time).
  virtual void on_message(const std::string& text) = 0;
};

/// What the protocol side gives an accepted WebSocket: who reads its messages, and the
/// queue the transport writes from.
struct websocket_binding {
  std::shared_ptr<message_connection> peer;
  std::shared_ptr<outbox> box;
  /// How long the connection may live (its credential expires then); zero: unbounded.
  std::chrono::milliseconds lifetime{0};
};

/// Why a transport refuses a connection or a request before the handler sees it.
enum class http_refusal {
  payload_too_large,     ///< The body exceeds limits.maxPayloadKb (413).
  header_too_large,      ///< The header block exceeds the header limit (431).
  uri_too_long,          ///< The request line alone exceeds the header limit (414).
  malformed,             ///< Not HTTP/1.1 as RFC 9112 frames it (400).
  too_many_connections,  ///< limits.maxConnectionsPerAddress reached (429).
};

/// Receives complete HTTP requests from a transport. Must not block.
class http_handler {
 public:
  virtual ~http_handler() = default;
  /// Handles one request; the answer goes to `exchange`, now or later.
  virtual void handle(http_request request, const http_exchange_ptr& exchange) = 0;
  /// The answer to send, with `Connection: close`, when the transport refuses; `detail` says
  /// what the transport saw. Counts the refusal.
  virtual http_response refusal(http_refusal why, std::string_view detail) const = 0;
  /// What becomes of an HTTP Upgrade: the refusal to send instead, or the new connection's
  /// binding.
  using upgrade_decision = std::variant<http_response, websocket_binding>;
  /// An HTTP Upgrade to WebSocket; `decide` runs once, now or later (after authentication),
  /// on any thread. `subprotocols` is the client's Sec-WebSocket-Protocol list.
  virtual void upgrade(http_request request, const std::string& subprotocols,
                       std::function<void(upgrade_decision)> decide) = 0;
};

}  // namespace io
}  // namespace mcprt
