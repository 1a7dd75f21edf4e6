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

/// endpoint -> session: end the session (HTTP DELETE).
using end_atom = caf::atom_constant<caf::atom("end")>;
/// session -> itself: check whether the session has been idle too long.
using tick_atom = caf::atom_constant<caf::atom("tick")>;
/// supervisor -> itself, after a backoff: start the named plugin again.
using restart_atom = caf::atom_constant<caf::atom("restart")>;

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

/// session -> itself: the client did not answer request `id` in time.
struct client_ask_expired {
  std::string id;
};

/// One 2025 session: requests in order, DELETE, and its own idle check.
using session_actor =
    caf::typed_actor<caf::reacts_to<session_request>, caf::reacts_to<end_atom>,
                     caf::reacts_to<tick_atom>, caf::reacts_to<client_ask>,
                     caf::reacts_to<client_answer>, caf::reacts_to<client_ask_expired>,
                     caf::reacts_to<open_stream>>;

}  // namespace api
}  // namespace mcprt

// Local-only payloads: they hold callbacks and shared documents, so they never go remote.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::session_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::client_ask)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::client_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::client_ask_expired)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::open_stream)
