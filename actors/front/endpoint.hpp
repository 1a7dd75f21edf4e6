// The MCP endpoint: turns one HTTP request into the right answer or the right actor message.
// Owns the status table of Streamable HTTP (both eras), Host/Origin checks and admission.
// Knows no sockets: the transport hands it an http_request and an http_exchange.
#pragma once

#include <atomic>
#include <caf/fwd.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/catalog/catalog.hpp"
#include "actors/cluster/forwarding.hpp"
#include "actors/dispatch/dispatcher.hpp"
#include "actors/front/mcp_request.hpp"
#include "actors/front/modern_headers.hpp"
#include "actors/identity/gate.hpp"
#include "actors/session/feed.hpp"
#include "actors/session/node_context.hpp"
#include "actors/session/table.hpp"
#include "runtime/io/admission.hpp"
#include "runtime/io/http_exchange.hpp"
#include "runtime/io/http_handler.hpp"
#include "runtime/observe/metrics.hpp"

namespace mcprt::actors::jobs {
class job_service;
}  // namespace mcprt::actors::jobs

namespace mcprt::actors::front {

class legacy_sse;
class message_peer;

/// The endpoint's knobs, from config.
struct endpoint_options {
  std::vector<std::string> allowed_hosts;    ///< Host names (no port); "*" allows any.
  std::vector<std::string> allowed_origins;  ///< Origins; without a port, any port; "*" any.
  std::chrono::milliseconds request_timeout{60000};
  std::chrono::milliseconds session_idle_timeout{1800000};
  size_t max_payload_bytes = size_t{512} * 1024;
  size_t max_legacy_streams = 10000;  ///< Open 2024-11-05 HTTP+SSE streams.
};

/// Everything the endpoint routes to.
struct endpoint_parts {
  session::node_context_ptr node;  ///< The node's shared parts.
  std::shared_ptr<session::session_table> sessions;
  std::shared_ptr<mcprt::admission> admission;
  /// Sessions bound to a connection (WebSocket, HTTP+SSE), for shutdown; never found by id.
  std::shared_ptr<session::session_table> bound_sessions;
  /// GET /mcp/capabilities (null: 404).
  std::function<std::string()> capabilities;
  /// Who may call (null or disabled: anyone).
  std::shared_ptr<const identity::gate> gate;
  /// The adapters with no worker ready, for GET /readyz (null: none).
  std::function<std::vector<std::string>()> degraded_adapters;
  /// In a cluster: its state as a JSON object, and whether a peer is down (null: one node).
  std::function<std::pair<std::string, bool>()> cluster_state;
  /// In a cluster: relays requests for other nodes' sessions and tasks (null: one node).
  std::shared_ptr<const cluster::forwarder> forwarder;
};

/// Routes HTTP requests for /mcp, /metrics, /healthz and /readyz. Called on I/O threads; never
/// blocks.
class endpoint final : public http_handler {
 public:
  endpoint(endpoint_options options, endpoint_parts parts);
  ~endpoint() override;

  /// Handles one request; the answer goes to `exchange`, now or later.
  void handle(http_request request, const http_exchange_ptr& exchange) override;

  /// The answer for a body over `limits.maxPayloadKb` (the transport detects it).
  http_response refusal(http_refusal why, std::string_view detail) const override;

  /// SIGHUP: limits.requestTimeoutMs and limits.maxPayloadKb for the next requests.
  void set_limits(std::chrono::milliseconds request_timeout, size_t max_payload_bytes);

  /// A request another node relayed here because this node owns its session or task; that
  /// node checked Host, Origin and the credential (`caller`). Served as if it came here.
  void serve_forwarded(http_request request, principal caller, const http_exchange_ptr& exchange);

  /// WebSocket on /mcp with subprotocol `mcp`: the connection becomes a message peer (its own
  /// 2025 session after initialize, or stateless 2026-07-28 requests).
  void upgrade(http_request request, const std::string& subprotocols,
               std::function<void(upgrade_decision)> decide) override;

 private:
  // In a cluster: relays the request to the node `id` names when that is another node (true),
  // answering on `ex`; `rpc_id` is the JSON-RPC id for an answer given here.
  bool relay_to_owner(const mcp_request& req, std::string_view id, cluster::wire::forward_kind kind,
                      std::string_view rpc_id, const http_exchange_ptr& ex) const;
  // In a cluster: relays a stateless 2026 request that belongs on another node (a task's
  // operation, a keyed call: forwarder::home_of_stateless) there (true).
  bool relay_stateless(const mcp_request& req, const rpc::message& msg,
                       const rapidjson::Value* meta, const http_exchange_ptr& ex) const;
  // Counts a relayed call for the drain (not a GET stream); the hook ends the count.
  std::function<void()> drain_waits_for(cluster::wire::forward_kind kind) const;
  // After the gate: the request's route.
  void route(mcp_request& req, const http_exchange_ptr& ex);
  // Runs `next` with the request once the gate let it through; `refuse` with the denial's
  // answer otherwise.
  // `req` is moved from only when the answer must wait (a token not seen before).
  void guard(mcp_request& req, std::function<void(http_response)> refuse,
             std::function<void(mcp_request&)> next) const;
  upgrade_decision bind_websocket(const mcp_request& req, const std::string& subprotocols);
  // Arms the end of what `ex` streams at the caller's token expiry.
  void end_at_expiry(const principal& caller, const http_exchange_ptr& ex) const;
  // The caller's session `req.session_id`; another principal's counts as unknown.
  session::session_ptr find_session(const mcp_request& req) const;
  // Reached through route, after handle checked Host and Origin.
  void handle_mcp(mcp_request& req, const http_exchange_ptr& ex);
  void handle_legacy_sse(mcp_request& req, const http_exchange_ptr& ex);
  std::optional<http_response> refuse_foreign(const mcp_request& req) const;
  // GET /readyz: ready, degraded (adapters without a worker), or draining (503).
  http_response readiness() const;
  std::shared_ptr<message_peer> make_peer(std::shared_ptr<outbox> box, wire kind,
                                          const principal& caller) const;
  // POST (post.cpp): the era's path, and the steps both eras share.
  void handle_post(mcp_request& req, const http_exchange_ptr& ex);
  void post_modern(const mcp_request& req, rpc::message& msg, const rapidjson::Value* meta,
                   const rapidjson::Value* body_version, const http_exchange_ptr& ex);
  void post_legacy(const mcp_request& req, rpc::message& msg, const rapidjson::Value* meta,
                   const http_exchange_ptr& ex);
  void open_session(const mcp_request& req, const rpc::message& msg, const http_exchange_ptr& ex);
  void forward_answer(session::session& session, rpc::message& msg, const http_exchange_ptr& ex);
  void reject(const http_exchange_ptr& ex, const refusal_reason& why,
              std::string_view id = {}) const;
  // Takes an admission slot, or answers 429 and returns false.
  bool admit(const http_exchange_ptr& ex, std::string_view id) const;
  // Records the request's metrics when it ends, and frees its slot if it `admitted` one.
  finish_hook request_hook(bool admitted) const;
  void arm_deadline(const http_exchange_ptr& ex, const responder& out) const;
  void handle_get(const mcp_request& req, const http_exchange_ptr& ex);
  void handle_delete(const mcp_request& req, const http_exchange_ptr& ex);
  bool host_allowed(const std::string& host) const;
  // SEP-2243: a 2026 tools/call's Mcp-Param-* headers against its arguments; the mismatch.
  std::optional<std::string> mismatched_param_headers(const rpc::message& msg,
                                                      const mcp_request& req) const;
  bool origin_allowed(const std::string& origin) const;

  endpoint_options options_;
  // The two limits SIGHUP may change, read by I/O threads on every request.
  std::atomic<int64_t> request_timeout_ms_;
  std::atomic<size_t> max_payload_bytes_;
  endpoint_parts parts_;
  std::unique_ptr<legacy_sse> legacy_;
};

}  // namespace mcprt::actors::front
