// One 2025-era session (Mcp-Session-Id): negotiated version, client capabilities, log level,
// and its requests in arrival order. Expires when idle, freeing all it holds.
#pragma once

#include <caf/fwd.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <variant>

#include "actors/dispatch/dispatcher.hpp"
#include "actors/session/feed.hpp"
#include "actors/session/node_context.hpp"
#include "actors/session/table.hpp"
#include "runtime/api/messages.hpp"
#include "runtime/codec/expected.hpp"
#include "runtime/observe/metrics.hpp"

namespace mcprt::actors::jobs {
class job_service;
}  // namespace mcprt::actors::jobs

namespace mcprt::actors::session {

/// What a new session starts from: the initialize request's outcome and the node's parts.
struct session_init {
  std::string id;
  std::string version;              ///< Negotiated protocol version.
  mcprt::wire wire = wire::http;    ///< The transport the session lives on (metrics).
  std::string client_info;          ///< JSON text of clientInfo (may be empty).
  std::string client_capabilities;  ///< JSON text of capabilities (may be empty).
  std::chrono::milliseconds idle_timeout{1800000};
  node_context_ptr node;                   ///< The node's shared parts.
  std::shared_ptr<session_table> table;    ///< Where the session is found by id.
  std::shared_ptr<outbox> connection_box;  ///< Set when a connection is the session (ws, stdio).
  std::string owner;  ///< principal::owner() of who opened it; only they find it by id.
};

/// A new session's identity from an initialize request: a fresh id from `ids`, the negotiated
/// version, client info and capabilities. The caller adds the node's parts.
session_init session_init_from(const rpc::message& initialize, std::string_view version,
                               const id_issuer& ids);

/// Spawns a session, registers it in its table, and returns it.
session_actor spawn_session(caf::actor_system& sys, session_init init);

/// A session initialize opened.
struct opened_session {
  std::string id;
  std::string version;  ///< Negotiated.
  session_actor actor;
};

/// Opens a 2025 session for an initialize request, on any transport: checks and negotiates
/// `protocolVersion`, takes the client's info and capabilities, and spawns the session with
/// what `base` says (node, table, idle timeout, a connection's outbox). The caller answers
/// with dispatch::initialize_result(version, ...). The -32602 error when it cannot.
expected<opened_session> open_session(const rpc::message& initialize, session_init base);

}  // namespace mcprt::actors::session
