// MCP over a message pipe with one client (stdio lines, WebSocket text frames): 2026-07-28
// requests are served statelessly, an `initialize` opens one 2025 session bound to the pipe,
// whose subscriptions are delivered on it too. Knows messages, not file handles or sockets.
#pragma once

#include <caf/fwd.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "actors/catalog/catalog.hpp"
#include "actors/cluster/forwarding.hpp"
#include "actors/dispatch/dispatcher.hpp"
#include "actors/notifier/notifier.hpp"
#include "actors/session/feed.hpp"
#include "actors/session/node_context.hpp"
#include "actors/session/table.hpp"
#include "runtime/auth/principal.hpp"
#include "runtime/io/admission.hpp"
#include "runtime/io/http_handler.hpp"
#include "runtime/observe/metrics.hpp"

namespace mcprt::actors::jobs {
class job_service;
}  // namespace mcprt::actors::jobs

namespace mcprt::actors::front {

/// Everything a pipe peer routes to.
struct peer_parts {
  session::node_context_ptr node;  ///< The node's shared parts.
  /// Everything sent to the client: answers on the control lane, notifications on the feed.
  std::shared_ptr<outbox> box;
  /// Where the peer's session is registered, so shutdown can find it (null: a private table).
  std::shared_ptr<session::session_table> sessions;
  /// Who is on the other end; null: anonymous (no auth, and stdio is never authenticated),
  /// which a subscriber then holds no copy of.
  std::shared_ptr<const principal> caller = {};
  mcprt::wire wire = wire::stdio;  ///< What the pipe is: WebSocket, legacy HTTP+SSE, stdio.
  /// The HTTP node's admission: its calls are counted for the drain, and a draining node
  /// refuses new requests. Null on stdio (the pipe drains itself when stdin closes).
  std::shared_ptr<admission> admitted;
  /// In a cluster: relays a 2026 task operation to the task's node (null: one node, stdio).
  std::shared_ptr<const cluster::forwarder> forwarder = {};
};

/// One client on a pipe. on_message is called from one reader thread.
class message_peer final : public message_connection {
 public:
  explicit message_peer(peer_parts parts);
  ~message_peer() override;

  /// Handles one JSON-RPC message from the client.
  void on_message(const std::string& text) override;
  /// Answers a message that was too large to read.
  void on_oversized();
  /// Waits until every request read so far is answered, or `at_most` passes (stdin closed:
  /// answer what was asked, then stop). Returns the number still unanswered. Stdio only.
  int drain(std::chrono::milliseconds at_most);

 private:
  struct inflight;
  const principal& caller() const;
  responder make_responder(request_info info, const rpc::message& msg);
  void write(std::string message);
  void listen(const rpc::message& msg);
  // In a cluster: relays a 2026 task operation for another node's task, or a call with an
  // idempotency key whose home is another node, there (true).
  bool relay_elsewhere(const rpc::message& msg, const rapidjson::Value* meta,
                       const std::string& text);

  // 2026-07-28 requests on this pipe (the reader thread only), made with the first: a pipe
  // that only holds a 2025 session's subscriptions keeps none of it.
  struct listen_subscription;
  struct modern_calls {
    /// subscriptions/listen by request id (JSON text).
    std::unordered_map<std::string, std::shared_ptr<listen_subscription>> listens;
    /// Requests in flight by id, for notifications/cancelled.
    std::unordered_map<std::string, responder::weak> inflight;
  };
  modern_calls& modern();
  // Counts a request started (stdio's drain waits for it); returns what answering it runs.
  std::function<void()> count_call();

  peer_parts parts_;  // parts_.sessions is set: the node's table, or a private one.
  bool private_table_ = false;
  std::shared_ptr<inflight> inflight_;  // Only on stdio, the pipe drain() is called for.
  std::unique_ptr<modern_calls> modern_;
  session::session_ptr session_;
};

}  // namespace mcprt::actors::front
