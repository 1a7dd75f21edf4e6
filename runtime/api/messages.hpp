// Every message type and atom that crosses an actor boundary inside the server, with who
// sends it to whom (a plugin's own, tool calls and steps, are in tool_messages.hpp). All CAF
// 0.17 vocabulary lives in these two files so a later CAF upgrade stays local.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "runtime/api/tool_messages.hpp"
#include "runtime/codec/json.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/io/http_exchange.hpp"
#include "runtime/io/responder.hpp"

namespace mcprt {
inline namespace api {

/// An actor -> itself: time for its periodic check (issuer keys).
using tick_atom = caf::atom_constant<caf::atom("tick")>;
/// session clock -> itself: look for 2025 sessions idle too long.
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
/// supervisor -> itself, after a backoff: start the named plugin again.
using restart_atom = caf::atom_constant<caf::atom("restart")>;

// What a 2025 session is handed (actors/session/session.hpp). A session is no actor: these
// run in order on the thread that brings them.

/// endpoint -> session: one request or notification of this session. `out` is empty for
/// notifications.
struct session_request {
  rpc::message msg;
  responder out;
};

/// responder (through its session's client_link) -> session: send a request to the client on
/// the stream of `related`, and call `on_reply` with the answer.
struct client_ask {
  responder related;
  std::string method;
  std::string params;  ///< JSON object text.
  client_reply_fn on_reply;
};

/// transport -> session: a response the client sent. `ack(true)` when it answered a request
/// the session sent and still waits for; `ack(false)` otherwise (unknown, late, or repeated).
struct client_answer {
  rpc::message msg;
  std::function<void(bool matched)> ack;
};

/// endpoint -> session: a GET /mcp stream wants the session's notifications (resuming after
/// `last_event_id` when the client sent Last-Event-ID).
struct open_stream {
  http_exchange_ptr exchange;
  std::string last_event_id;
  bool resume = false;
};

/// The clock of a node's 2025 sessions: sweeps them for idle ones, and runs their delayed
/// steps (a client request's expiry) as tool_step.
using session_clock_actor = caf::typed_actor<caf::reacts_to<sweep_atom>, caf::reacts_to<tool_step>>;

}  // namespace api
}  // namespace mcprt
