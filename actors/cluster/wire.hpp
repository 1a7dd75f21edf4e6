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

/// What a forwarded request is to the owner's session.
enum class forward_kind : uint8_t { post, get, del, answer, legacy_post };

/// Ingress -> owner's gateway: a request for a session the owner holds. `relay` (on the
/// ingress node) takes what the owner's exchange writes.
struct forwarded_request {
  std::string session_id;
  uint8_t kind = 0;  ///< forward_kind.
  std::string target;
  std::vector<header> headers;  ///< Those the session reads (version, Last-Event-ID, Accept).
  std::string body;
  caller who;
  caf::actor relay;
  friend bool operator==(const forwarded_request&, const forwarded_request&) = default;
};

/// Owner -> ingress: the session is not (or no longer) here; answered as a local miss (404).
struct not_here {
  friend bool operator==(const not_here&, const not_here&) = default;
};

/// Owner's exchange -> relay: a complete answer.
struct x_respond {
  uint16_t status = 0;
  std::string content_type;
  std::vector<header> headers;
  std::string body;
  friend bool operator==(const x_respond&, const x_respond&) = default;
};
/// Owner's exchange -> relay: the answer becomes an SSE stream with these headers.
struct x_start {
  std::vector<header> headers;
  friend bool operator==(const x_start&, const x_start&) = default;
};
/// Owner's exchange -> relay: stream bytes, numbered for credit.
struct x_write {
  uint64_t seq = 0;
  std::string bytes;
  friend bool operator==(const x_write&, const x_write&) = default;
};
/// Owner's exchange -> relay: the stream ended (x_end) or the exchange was dropped (x_abort).
struct x_end {
  friend bool operator==(const x_end&, const x_end&) = default;
};
struct x_abort {
  friend bool operator==(const x_abort&, const x_abort&) = default;
};
/// Relay -> owner: every write up to `upto` reached the client's socket (flow control).
struct x_credit {
  uint64_t upto = 0;
  friend bool operator==(const x_credit&, const x_credit&) = default;
};
/// Relay -> owner: the client went away.
struct x_closed {
  friend bool operator==(const x_closed&, const x_closed&) = default;
};

/// What a node's interest in topics became (federated notifier).
enum class interest_op : uint8_t { add, remove, replace };

/// Node -> peer's notifier: the topics it has local subscribers for.
struct interest {
  uint8_t op = 0;  ///< interest_op.
  std::vector<std::string> topics;
  friend bool operator==(const interest&, const interest&) = default;
};

/// Node -> interested peer: one published note, serialized once, delivered there locally.
struct remote_note {
  std::string topic;
  std::string text;
  std::string coalesce_key;
  uint8_t policy = 0;  ///< overflow_policy.
  friend bool operator==(const remote_note&, const remote_note&) = default;
};

/// Ingress -> the task's node: a task operation (`tasks/get`, `tasks/cancel`, ...).
struct task_op {
  std::string method;
  std::string task_id;
  std::string params_json;
  caller who;
  friend bool operator==(const task_op&, const task_op&) = default;
};
/// The task's node -> ingress: the JSON-RPC result or error object, and its HTTP status.
struct task_reply {
  uint16_t status = 0;
  std::string json;
  friend bool operator==(const task_reply&, const task_reply&) = default;
};

/// Every type that crosses nodes: add_wire_types registers exactly these.
using types =
    std::tuple<hello, ping, pong, forwarded_request, not_here, x_respond, x_start, x_write, x_end,
               x_abort, x_credit, x_closed, interest, remote_note, task_op, task_reply>;

/// The stable name of each of `types`, in the same order.
inline constexpr const char* names[] = {
    "mcprt.c.hello",    "mcprt.c.ping",        "mcprt.c.pong",     "mcprt.c.forwarded_request",
    "mcprt.c.not_here", "mcprt.c.x_respond",   "mcprt.c.x_start",  "mcprt.c.x_write",
    "mcprt.c.x_end",    "mcprt.c.x_abort",     "mcprt.c.x_credit", "mcprt.c.x_closed",
    "mcprt.c.interest", "mcprt.c.remote_note", "mcprt.c.task_op",  "mcprt.c.task_reply"};
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
           x.gateway);
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
  return f(caf::meta::type_name("forwarded_request"), x.session_id, x.kind, x.target, x.headers,
           x.body, x.who, x.relay);
}
template <class F>
typename F::result_type inspect(F& f, not_here&) {
  return f(caf::meta::type_name("not_here"));
}
template <class F>
typename F::result_type inspect(F& f, x_respond& x) {
  return f(caf::meta::type_name("x_respond"), x.status, x.content_type, x.headers, x.body);
}
template <class F>
typename F::result_type inspect(F& f, x_start& x) {
  return f(caf::meta::type_name("x_start"), x.headers);
}
template <class F>
typename F::result_type inspect(F& f, x_write& x) {
  return f(caf::meta::type_name("x_write"), x.seq, x.bytes);
}
template <class F>
typename F::result_type inspect(F& f, x_end&) {
  return f(caf::meta::type_name("x_end"));
}
template <class F>
typename F::result_type inspect(F& f, x_abort&) {
  return f(caf::meta::type_name("x_abort"));
}
template <class F>
typename F::result_type inspect(F& f, x_credit& x) {
  return f(caf::meta::type_name("x_credit"), x.upto);
}
template <class F>
typename F::result_type inspect(F& f, x_closed&) {
  return f(caf::meta::type_name("x_closed"));
}
template <class F>
typename F::result_type inspect(F& f, interest& x) {
  return f(caf::meta::type_name("interest"), x.op, x.topics);
}
template <class F>
typename F::result_type inspect(F& f, remote_note& x) {
  return f(caf::meta::type_name("remote_note"), x.topic, x.text, x.coalesce_key, x.policy);
}
template <class F>
typename F::result_type inspect(F& f, task_op& x) {
  return f(caf::meta::type_name("task_op"), x.method, x.task_id, x.params_json, x.who);
}
template <class F>
typename F::result_type inspect(F& f, task_reply& x) {
  return f(caf::meta::type_name("task_reply"), x.status, x.json);
}

}  // namespace mcprt::actors::cluster::wire
