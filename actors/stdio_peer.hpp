// MCP over a message pipe with one client (stdio): 2026-07-28 requests are served statelessly,
// an `initialize` opens one 2025 session bound to the pipe. Knows messages, not file handles.
#pragma once

#include <caf/fwd.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "actors/catalog.hpp"
#include "actors/dispatcher.hpp"
#include "actors/session_table.hpp"
#include "runtime/metrics.hpp"

namespace mcprt::actors {

/// Everything a pipe peer routes to.
struct stdio_parts {
  caf::actor_system* system = nullptr;
  std::shared_ptr<catalog_source> tools;
  std::shared_ptr<const server_profile> profile;
  std::shared_ptr<mcprt::metrics> metrics;
  std::function<void(std::string)> write;  ///< Sends one message to the client; thread-safe.
  std::chrono::milliseconds client_request_timeout{60000};
};

/// One client on a pipe. on_message is called from one reader thread.
class stdio_peer {
 public:
  explicit stdio_peer(stdio_parts parts);
  ~stdio_peer();

  /// Handles one JSON-RPC message from the client.
  void on_message(const std::string& text);
  /// Answers a message that was too large to read.
  void on_oversized();
  /// Waits until every request read so far is answered, or `at_most` passes (stdin closed:
  /// answer what was asked, then stop). Returns the number still unanswered.
  int drain(std::chrono::milliseconds at_most);

 private:
  struct inflight;
  responder make_responder(request_info info, const rpc::message& msg);

  stdio_parts parts_;
  std::shared_ptr<inflight> inflight_;
  std::shared_ptr<session_table> sessions_ = std::make_shared<session_table>();
  std::optional<session_actor> session_;
  // 2026-07-28 requests in flight by id, for notifications/cancelled (the reader thread only).
  std::unordered_map<std::string, responder> modern_inflight_;
};

}  // namespace mcprt::actors
