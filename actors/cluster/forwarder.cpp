// The ingress end of a forwarded request: a relay actor owns the client's exchange, sends the
// request to the owner's switchboard, and writes what the owner's courier sends back (routed
// to it by this node's switchboard). A stream goes through a local queue whose pulls grant the
// courier credit, so neither node holds more than a window of a slow client's bytes. The relay
// quits when the answer ends, the client goes, or the owner does (a session's request then
// answers 404, a task's 503).
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/cluster/cluster_metrics.hpp"
#include "actors/cluster/forwarding.hpp"
#include "actors/cluster/membership.hpp"
#include "runtime/codec/json.hpp"
#include "runtime/io/error_response.hpp"
#include "runtime/io/outbox.hpp"
#include "runtime/io/sse.hpp"
#include "runtime/mcp/protocol.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::cluster {

namespace {

using pulled_atom = caf::atom_constant<caf::atom("rl_pulled")>;
using gone_atom = caf::atom_constant<caf::atom("rl_gone")>;

using clock = std::chrono::steady_clock;

http_headers from_wire(std::vector<wire::header>& headers) {
  http_headers out;
  out.reserve(headers.size());
  for (auto& h : headers) {
    out.emplace_back(std::move(h.name), std::move(h.value));
  }
  return out;
}

// Durable work (a task, a keyed call): its node comes back, so the client retries.
bool is_task(wire::forward_kind kind) {
  return kind == wire::forward_kind::task || kind == wire::forward_kind::keyed;
}

// FNV-1a: the same on every node (std::hash need not be).
uint64_t stable_hash(std::string_view a, std::string_view b) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h = (h ^ c) * 1099511628211ull;
    }
  };
  mix(a);
  mix("\n");
  mix(b);
  return h;
}

// A session of a lost owner is gone (the client starts a new one); a task is durable and
// comes back with its node.
http_response owner_lost_answer(wire::forward_kind kind, const std::string& node,
                                const std::string& rpc_id) {
  if (!is_task(kind)) {
    return error_response(404, make_error(rpc_code::session_not_found, "Session not found"),
                          rpc_id);
  }
  auto r = error_response(
      503,
      rpc_error{
          rpc_code::internal_error,
          "Service Unavailable: node '" + node + "', which holds this work, is not reachable now",
          R"({"retryable":true,"retryAfterMs":1000,"node":")" + node + R"("})"},
      rpc_id);
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

struct relay_state {
  uint64_t id = 0;
  std::string node;  // This node (named in what goes to the owner).
  http_exchange_ptr ex;
  std::string peer;
  caf::actor owner;  // The owner's switchboard (a proxy shared by all requests).
  wire::forward_kind kind = wire::forward_kind::post;
  std::string rpc_id;
  forward_options options;
  std::shared_ptr<cluster_metrics> metrics;
  std::shared_ptr<outbox> box;  // While the answer streams.
  clock::time_point sent = clock::now();
  uint64_t pulled = 0;   // Bytes the client's socket took from `box`.
  uint64_t granted = 0;  // Credit last sent to the courier.
  bool began = false;    // An answer or a stream came.
  bool taken = false;    // The owner has it (or answered).
  bool done = false;
  std::function<void()> on_end;  // Once, when done.
  static inline const char* name = "mcprt.cluster.relay";
};

using relay_actor = caf::stateful_actor<relay_state>;

void settle(relay_actor* self, const std::string& result) {
  auto& st = self->state;
  st.metrics->forwarded(st.peer, std::string(kind_name(st.kind)), result);
}

void finish(relay_actor* self) {
  auto& st = self->state;
  st.done = true;
  if (auto f = std::exchange(st.on_end, {})) {
    f();
  }
  self->quit();
}

void began(relay_actor* self) {
  auto& st = self->state;
  st.taken = true;
  if (!st.began) {
    st.began = true;
    std::chrono::duration<double> took = clock::now() - st.sent;
    st.metrics->forward_latency(st.peer, took.count());
  }
}

// The owner went away (or never took the request): a stream ends with a reconnect hint,
// anything else gets the answer for its kind.
void owner_lost(relay_actor* self, const std::string& result, const std::string& why) {
  auto& st = self->state;
  if (st.done) {
    return;
  }
  settle(self, result);
  log::warn("cluster forward to peer=" + st.peer + " ended: " + why);
  if (st.box) {
    st.box->push_control(sse::reconnect_hint(st.options.sse_retry, why));
    st.box->close("");
  } else if (result == "timeout") {
    auto r = error_response(503,
                            rpc_error{rpc_code::internal_error,
                                      "Service Unavailable: node '" + st.peer +
                                          "' did not take the request within "
                                          "cluster.forwardTimeoutMs",
                                      R"({"retryable":true,"retryAfterMs":1000})"},
                            st.rpc_id);
    r.headers.emplace_back("Retry-After", "1");
    st.ex->respond(std::move(r));
  } else {
    st.ex->respond(owner_lost_answer(st.kind, st.peer, st.rpc_id));
  }
  finish(self);
}

void grant(relay_actor* self) {
  auto& st = self->state;
  // A quarter window at a time: one credit message per ~64 KiB, never a stall in steady flow.
  if (st.pulled - st.granted >= st.options.window_bytes / 4) {
    st.granted = st.pulled;
    self->send(st.owner, wire::x_credit{st.id, st.node, st.pulled});
  }
}

caf::behavior relay(relay_actor* self, relay_state init, const caf::actor& switchboard,
                    wire::forwarded_request request) {
  self->state = std::move(init);
  auto me = caf::actor_cast<caf::actor>(self);
  // Registered before the request leaves: its answer comes back through the switchboard.
  self->send(switchboard, relay_register_atom::value, self->state.id, self->state.peer, me);
  self->send(self->state.owner, std::move(request));  // The switchboard keeps its time.
  return {
      [=](wire::x_respond& r) {
        auto& st = self->state;
        if (st.done || st.box) {
          return;
        }
        began(self);
        settle(self, "ok");
        st.ex->respond(
            {r.status, std::move(r.content_type), std::move(r.body), from_wire(r.headers)});
        finish(self);
      },
      [=](wire::x_start& s) {
        auto& st = self->state;
        if (st.done || st.box) {
          return;
        }
        began(self);
        // Bytes pass as they are; the client's reads grant the owner credit.
        st.box = std::make_shared<outbox>(outbox_limits{}, stream_format::raw, nullptr);
        st.box->on_pulled([me](size_t n) { caf::anon_send(me, pulled_atom::value, uint64_t{n}); });
        st.box->on_detach([me] { caf::anon_send(me, gone_atom::value); });
        st.ex->pump(st.box, from_wire(s.headers), std::chrono::milliseconds(s.keep_alive_ms));
      },
      [=](const wire::x_taken&) { self->state.taken = true; },
      [=](wire::x_write& w) {
        auto& st = self->state;
        if (!st.done && st.box) {
          st.box->push_control(std::move(w.bytes));
        }
      },
      [=](const wire::x_end&) {
        auto& st = self->state;
        if (st.done) {
          return;
        }
        settle(self, "ok");
        if (st.box) {
          st.box->close("");  // The stream ends after what it holds.
        } else {
          st.ex->abort();
        }
        finish(self);
      },
      [=](const wire::x_abort&) {
        auto& st = self->state;
        if (st.done) {
          return;
        }
        settle(self, "aborted");
        st.ex->abort();
        finish(self);
      },
      [=](const wire::x_watch_close&) {
        auto& st = self->state;
        if (!st.done) {
          st.ex->on_client_close([me] { caf::anon_send(me, gone_atom::value); });
        }
      },
      [=](pulled_atom, uint64_t n) {
        self->state.pulled += n;
        grant(self);
      },
      [=](gone_atom) {
        auto& st = self->state;
        if (st.done) {
          return;
        }
        self->send(st.owner, wire::x_closed{st.id, st.node});
        settle(self, "client_gone");
        finish(self);
      },
      [=](take_timeout_atom) {
        if (!self->state.taken) {
          owner_lost(self, "timeout",
                     "node '" + self->state.peer +
                         "' did not take the request within cluster.forwardTimeoutMs");
        }
      },
      [=](owner_lost_atom) {
        owner_lost(self, "owner_lost",
                   "node '" + self->state.peer + "' is down or restarted (cluster.deadAfterMs)");
      },
  };
}

}  // namespace

forwarder::forwarder(caf::actor_system& sys, std::string node, std::shared_ptr<peer_table> table,
                     caf::actor switchboard, forward_options options,
                     std::shared_ptr<cluster_metrics> metrics)
    : sys_(sys),
      node_(std::move(node)),
      table_(std::move(table)),
      switchboard_(std::move(switchboard)),
      options_(options),
      metrics_(std::move(metrics)) {}

std::optional<id_owner> forwarder::elsewhere(std::string_view id) const {
  auto owner = owner_of(id);
  if (!owner || owner->node == node_ || !table_->find(owner->node)) {
    return std::nullopt;
  }
  return owner;
}

std::optional<std::string> forwarder::home_of(std::string_view scope) const {
  std::string best = node_;
  uint64_t best_score = stable_hash(node_, scope);
  for (const auto& p : table_->snapshot()) {
    auto score = stable_hash(p.name, scope);
    if (p.up && (score > best_score || (score == best_score && p.name < best))) {
      best = p.name;
      best_score = score;
    }
  }
  if (best == node_) {
    return std::nullopt;
  }
  return best;
}

std::optional<forwarder::stateless_target> forwarder::home_of_stateless(
    const rpc::message& msg, const rapidjson::Value* meta, const principal& caller) const {
  if (msg.params && msg.method.starts_with("tasks/")) {
    auto task = string_member(*msg.params, "taskId");
    auto owner = task ? elsewhere(*task) : std::nullopt;
    return owner ? std::optional<stateless_target>(
                       {std::string(owner->node), wire::forward_kind::task})
                 : std::nullopt;
  }
  auto key = meta != nullptr ? string_member(*meta, meta_key::idempotency_key) : std::nullopt;
  auto home = key ? home_of(caller.owner() + "\n" + std::string(*key)) : std::nullopt;
  return home ? std::optional<stateless_target>({std::move(*home), wire::forward_kind::keyed})
              : std::nullopt;
}

void forwarder::forward(const id_owner& owner, wire::forward_kind kind, http_request request,
                        const principal& caller, std::string rpc_id, http_exchange_ptr ex,
                        std::function<void()> on_end) const {
  std::string peer(owner.node);
  auto view = table_->find(peer);
  std::string refused;
  if (!view || !view->up || !view->switchboard) {
    refused = "peer_down";
  } else if (owner.incarnation && *owner.incarnation != view->incarnation) {
    refused = "restarted";  // The session died with the owner's previous process.
  }
  if (!refused.empty()) {
    metrics_->forwarded(peer, std::string(kind_name(kind)), refused);
    ex->respond(owner_lost_answer(kind, peer, rpc_id));
    if (on_end) {
      on_end();
    }
    return;
  }
  wire::forwarded_request fr;
  fr.id = next_id_.fetch_add(1, std::memory_order_relaxed);
  fr.from = node_;
  fr.kind = static_cast<uint8_t>(kind);
  fr.method = std::move(request.method);
  fr.path = std::move(request.path);
  fr.query = std::move(request.query);
  fr.body = std::move(request.body);
  for (auto& [name, value] : request.headers) {
    fr.headers.push_back({std::move(name), std::move(value)});
  }
  fr.who = wire::to_wire(caller);
  relay_state init;
  init.id = fr.id;
  init.node = node_;
  init.ex = std::move(ex);
  init.peer = peer;
  init.owner = view->switchboard;
  init.kind = kind;
  init.rpc_id = std::move(rpc_id);
  init.options = options_;
  init.metrics = metrics_;
  init.on_end = std::move(on_end);
  sys_.spawn(relay, std::move(init), switchboard_, std::move(fr));
}

void forward_intake::set(forward_server serve) {
  std::lock_guard<std::mutex> g(mutex_);
  serve_ = std::move(serve);
}

forward_server forward_intake::current() const {
  std::lock_guard<std::mutex> g(mutex_);
  return serve_;
}

}  // namespace mcprt::actors::cluster
