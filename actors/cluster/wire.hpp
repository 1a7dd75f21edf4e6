// The cluster's wire vocabulary: the only types that cross nodes (over CAF's io middleman,
// BASP). Plain structs of strings, integers and actor handles, each inspectable and registered
// under a stable name in add_wire_types (the wire carries type names: every node must agree).
// A type sent but not registered arrives as an empty message in CAF 0.17, so the unit tests send
// every type in wire::types between two actor systems.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <cstdint>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include "runtime/auth/principal.hpp"

namespace mcprt::actors::cluster::wire {

/// Bumped on any change to a type below: nodes of different versions refuse each other.
inline constexpr uint32_t version = 1;

/// The caller, as the ingress node authenticated it (never the credential itself).
struct caller {
  std::string issuer;
  std::string subject;
  std::string client_id;
  std::vector<std::string> scopes;
  int64_t expires_at = 0;
  friend bool operator==(const caller&, const caller&) = default;
};

caller to_wire(const principal& p);
principal from_wire(const caller& c);

/// One HTTP header field.
struct header {
  std::string name;
  std::string value;
  friend bool operator==(const header&, const header&) = default;
};

/// Dialer -> peer's gateway, and the answer back: who the node is, checked on both sides.
struct hello {
  std::string cluster;
  uint32_t wire_version = 0;
  std::string node;
  uint64_t incarnation = 0;  ///< Random per process start: a restarted node is a new one.
  caf::actor gateway;        ///< The sender's gateway (monitored: its loss is the node's).
  caf::actor switchboard;    ///< Where relayed requests and their answers go (forwarding.hpp).
  friend bool operator==(const hello&, const hello&) = default;
};

/// Application-level liveness: a node whose actors are stuck does not answer in time.
struct ping {
  uint64_t seq = 0;
  friend bool operator==(const ping&, const ping&) = default;
};
struct pong {
  uint64_t seq = 0;
  friend bool operator==(const pong&, const pong&) = default;
};

/// What a forwarded request is, for metrics and for the answer when its owner is lost.
/// `task`: a 2026 task operation; `keyed`: a 2026 request with an idempotency key, served by
/// the key's home node.
enum class forward_kind : uint8_t { post, get, del, answer, legacy_post, task, keyed };

// Forwarding: every message names its request by the ingress node's `id`; the switchboards
// (one per node, named in the hello) route them to the request's relay (ingress) or courier
// (owner). No per-request actor handle crosses nodes, so no proxy is made per request.

/// Ingress -> the owner's switchboard: an HTTP request for a session (or task) the owner
/// holds, already authenticated at ingress. The owner serves it as if it had arrived there.
struct forwarded_request {
  uint64_t id = 0;
  std::string from;  ///< The ingress node.
  uint8_t kind = 0;  ///< forward_kind.
  std::string method;
  std::string path;
  std::string query;
  std::vector<header> headers;  ///< The MCP headers (never the credential).
  std::string body;
  caller who;
  friend bool operator==(const forwarded_request&, const forwarded_request&) = default;
};

/// Owner -> ingress: request `id` is taken but not answered yet (sent only when the answer
/// takes a while, so the ingress's cluster.forwardTimeoutMs stops counting).
struct x_taken {
  uint64_t id = 0;
  friend bool operator==(const x_taken&, const x_taken&) = default;
};

/// Owner -> ingress: a complete answer.
struct x_respond {
  uint64_t id = 0;
  uint16_t status = 0;
  std::string content_type;
  std::vector<header> headers;
  std::string body;
  friend bool operator==(const x_respond&, const x_respond&) = default;
};
/// Owner -> ingress: the answer becomes an SSE stream with these headers (and SSE comments
/// after `keep_alive_ms` of silence, 0: none).
struct x_start {
  uint64_t id = 0;
  std::vector<header> headers;
  int64_t keep_alive_ms = 0;
  friend bool operator==(const x_start&, const x_start&) = default;
};
/// Owner -> ingress: stream bytes (whole SSE events); `seq` counts bytes sent before them.
struct x_write {
  uint64_t id = 0;
  uint64_t seq = 0;
  std::string bytes;
  friend bool operator==(const x_write&, const x_write&) = default;
};
/// Owner -> ingress: the stream ended (x_end) or the answer was given up (x_abort).
struct x_end {
  uint64_t id = 0;
  friend bool operator==(const x_end&, const x_end&) = default;
};
struct x_abort {
  uint64_t id = 0;
  friend bool operator==(const x_abort&, const x_abort&) = default;
};
/// Owner -> ingress: tell me when the client closes its connection before the answer ends.
struct x_watch_close {
  uint64_t id = 0;
  friend bool operator==(const x_watch_close&, const x_watch_close&) = default;
};
/// Ingress -> owner: the client's socket took every byte before `upto` (flow control).
struct x_credit {
  uint64_t id = 0;
  std::string from;
  uint64_t upto = 0;
  friend bool operator==(const x_credit&, const x_credit&) = default;
};
/// Ingress -> owner: the client went away.
struct x_closed {
  uint64_t id = 0;
  std::string from;
  friend bool operator==(const x_closed&, const x_closed&) = default;
};

/// What a node's interest in topics became (federated notifier).
enum class interest_op : uint8_t { add, remove, replace };

/// Node -> peer's gateway: the topics `from` has local subscribers for (one interest per
/// topic per node, not per subscriber).
struct interest {
  std::string from;
  uint8_t op = 0;  ///< interest_op.
  std::vector<std::string> topics;
  friend bool operator==(const interest&, const interest&) = default;
};

/// Node -> an interested peer's gateway: one published note, serialized once, delivered there
/// to local subscribers only. `seq` counts the note bytes `from` sent before it.
struct remote_note {
  std::string from;
  uint64_t seq = 0;
  std::string topic;
  std::string text;
  uint64_t params_close = 0;  ///< shared_note::params_close.
  bool params_empty = true;
  std::string coalesce_key;
  uint8_t policy = 0;  ///< overflow_policy.
  friend bool operator==(const remote_note&, const remote_note&) = default;
};

/// Peer -> the node that sent it notes: every note byte before `upto` (counted as the sender
/// counts them: a note's `seq` plus its size) arrived; the sender bounds what is in flight.
struct notes_ack {
  std::string from;
  uint64_t upto = 0;
  friend bool operator==(const notes_ack&, const notes_ack&) = default;
};

/// Every type that crosses nodes: add_wire_types registers exactly these.
using types =
    std::tuple<hello, ping, pong, forwarded_request, x_taken, x_respond, x_start, x_write, x_end,
               x_abort, x_watch_close, x_credit, x_closed, interest, remote_note, notes_ack>;

/// The stable name of each of `types`, in the same order.
inline constexpr const char* names[] = {
    "mcprt.c.hello",    "mcprt.c.ping",      "mcprt.c.pong",          "mcprt.c.forwarded_request",
    "mcprt.c.x_taken",  "mcprt.c.x_respond", "mcprt.c.x_start",       "mcprt.c.x_write",
    "mcprt.c.x_end",    "mcprt.c.x_abort",   "mcprt.c.x_watch_close", "mcprt.c.x_credit",
    "mcprt.c.x_closed", "mcprt.c.interest",  "mcprt.c.remote_note",   "mcprt.c.notes_ack"};
static_assert(std::size(names) == std::tuple_size_v<types>, "a wire type without a name");

/// Registers every type of `types` under its stable name.
void add_wire_types(caf::actor_system_config& cfg);

// Inspection: field order is the wire format (bump `version` on any change).
template <class F>
typename F::result_type inspect(F& f, caller& x) {
  return f(caf::meta::type_name("caller"), x.issuer, x.subject, x.client_id, x.scopes,
           x.expires_at);
}
template <class F>
typename F::result_type inspect(F& f, header& x) {
  return f(caf::meta::type_name("header"), x.name, x.value);
}
template <class F>
typename F::result_type inspect(F& f, hello& x) {
  return f(caf::meta::type_name("hello"), x.cluster, x.wire_version, x.node, x.incarnation,
           x.gateway, x.switchboard);
}
template <class F>
typename F::result_type inspect(F& f, ping& x) {
  return f(caf::meta::type_name("ping"), x.seq);
}
template <class F>
typename F::result_type inspect(F& f, pong& x) {
  return f(caf::meta::type_name("pong"), x.seq);
}
template <class F>
typename F::result_type inspect(F& f, forwarded_request& x) {
  return f(caf::meta::type_name("forwarded_request"), x.id, x.from, x.kind, x.method, x.path,
           x.query, x.headers, x.body, x.who);
}
template <class F>
typename F::result_type inspect(F& f, x_taken& x) {
  return f(caf::meta::type_name("x_taken"), x.id);
}
template <class F>
typename F::result_type inspect(F& f, x_respond& x) {
  return f(caf::meta::type_name("x_respond"), x.id, x.status, x.content_type, x.headers, x.body);
}
template <class F>
typename F::result_type inspect(F& f, x_start& x) {
  return f(caf::meta::type_name("x_start"), x.id, x.headers, x.keep_alive_ms);
}
template <class F>
typename F::result_type inspect(F& f, x_write& x) {
  return f(caf::meta::type_name("x_write"), x.id, x.seq, x.bytes);
}
template <class F>
typename F::result_type inspect(F& f, x_end& x) {
  return f(caf::meta::type_name("x_end"), x.id);
}
template <class F>
typename F::result_type inspect(F& f, x_abort& x) {
  return f(caf::meta::type_name("x_abort"), x.id);
}
template <class F>
typename F::result_type inspect(F& f, x_watch_close& x) {
  return f(caf::meta::type_name("x_watch_close"), x.id);
}
template <class F>
typename F::result_type inspect(F& f, x_credit& x) {
  return f(caf::meta::type_name("x_credit"), x.id, x.from, x.upto);
}
template <class F>
typename F::result_type inspect(F& f, x_closed& x) {
  return f(caf::meta::type_name("x_closed"), x.id, x.from);
}
template <class F>
typename F::result_type inspect(F& f, interest& x) {
  return f(caf::meta::type_name("interest"), x.from, x.op, x.topics);
}
template <class F>
typename F::result_type inspect(F& f, remote_note& x) {
  return f(caf::meta::type_name("remote_note"), x.from, x.seq, x.topic, x.text, x.params_close,
           x.params_empty, x.coalesce_key, x.policy);
}
template <class F>
typename F::result_type inspect(F& f, notes_ack& x) {
  return f(caf::meta::type_name("notes_ack"), x.from, x.upto);
}

}  // namespace mcprt::actors::cluster::wire
