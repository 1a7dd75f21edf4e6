// One switchboard per node routes forwarding traffic by request id: answers and stream bytes
// from an owner to this node's relays, credit and closes from an ingress node to this node's
// couriers, and new forwarded requests to the endpoint (through a courier). Per-request actors
// stay local, so no proxy is made, monitored and torn down per request: a relayed call costs
// two BASP messages (three when its answer takes a while). It also keeps time for all of them
// in one sweep (take timeouts, "taken" receipts, deadlines), so no request arms a CAF timer.
#include <algorithm>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <chrono>
#include <map>
#include <unordered_map>

#include "actors/cluster/cluster_metrics.hpp"
#include "actors/cluster/forwarding.hpp"
#include "actors/cluster/membership.hpp"
#include "runtime/io/error_response.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::cluster {

namespace {

using clock = std::chrono::steady_clock;
using sweep_atom = caf::atom_constant<caf::atom("sb_sweep")>;

struct relay_entry {
  std::string peer;
  caf::actor relay;
  clock::time_point since = clock::now();
  bool taken = false;  // Something came back (or the timeout was sent).
};

struct courier_entry {
  caf::actor courier;
  caf::actor ingress;  // The ingress node's switchboard.
  std::shared_ptr<courier_status> status;
  clock::time_point since = clock::now();
  bool receipt = false;  // x_taken went out.
};

using courier_key = std::pair<std::string, uint64_t>;  // Ingress node, its request id.

struct switchboard_state {
  std::string node;
  std::shared_ptr<const peer_table> table;
  std::shared_ptr<const forward_intake> intake;
  forward_options options;
  std::shared_ptr<cluster_metrics> metrics;
  std::unordered_map<uint64_t, relay_entry> relays;
  std::map<courier_key, courier_entry> couriers;
  // For down messages: which entry an actor was.
  std::unordered_map<caf::actor_addr, uint64_t> relay_ids;
  std::unordered_map<caf::actor_addr, courier_key> courier_keys;
  static inline const char* name = "mcprt.cluster.switchboard";
};

using switchboard_actor = caf::stateful_actor<switchboard_state>;

// An answer or stream piece for relay `id` of this node.
template <class T>
void to_relay(switchboard_actor* self, T& msg) {
  auto it = self->state.relays.find(msg.id);
  if (it != self->state.relays.end()) {
    it->second.taken = true;
    self->send(it->second.relay, std::move(msg));
  }
}

// Credit or a close for the courier of request `id` of node `from`.
template <class T>
void to_courier(switchboard_actor* self, T& msg) {
  auto it = self->state.couriers.find({msg.from, msg.id});
  if (it != self->state.couriers.end()) {
    self->send(it->second.courier, std::move(msg));
  }
}

// Often enough that a take timeout or deadline is late by at most an eighth of the forward
// timeout (or 50 ms, if that is shorter).
std::chrono::milliseconds sweep_period(const forward_options& o) {
  return std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(o.timeout / 8),
                    std::chrono::milliseconds(10), std::chrono::milliseconds(50));
}

// A forwarded request: served here through a courier that answers to the ingress node.
void take(switchboard_actor* self, wire::forwarded_request& r) {
  auto& st = self->state;
  auto peer = st.table->find(r.from);
  if (!peer || !peer->up || !peer->switchboard) {
    return;  // Not (or no longer) a peer: its relay times out.
  }
  auto serve = st.intake->current();
  if (!serve) {
    auto busy = error_response(
        503, make_error(rpc_code::internal_error,
                        "Service Unavailable: node '" + st.node + "' is not serving yet"));
    self->send(peer->switchboard,
               wire::x_respond{
                   r.id, 503, busy.content_type, {{"Retry-After", "1"}}, std::move(busy.body)});
    return;
  }
  courier_key key{r.from, r.id};
  auto status = std::make_shared<courier_status>();
  auto c =
      serve_forwarded(self->system(), r, peer->switchboard, serve, status, st.options, st.metrics);
  self->monitor(c);
  st.courier_keys[c.address()] = key;
  st.couriers[std::move(key)] = {std::move(c), peer->switchboard, std::move(status)};
}

// The peer is gone (or back as a new process): its requests here lose their client, and
// requests relayed to it lose their owner.
void peer_gone(switchboard_actor* self, const std::string& name) {
  auto& st = self->state;
  for (auto& [id, e] : st.relays) {
    if (e.peer == name) {
      self->send(e.relay, owner_lost_atom::value);
    }
  }
  for (auto& [key, c] : st.couriers) {
    if (key.first == name) {
      self->send(c.courier, wire::x_closed{key.second, key.first});
    }
  }
}

// Time for every request of the node: a relay whose owner has not taken its request within
// cluster.forwardTimeoutMs gives up; a courier that has not answered within a quarter of it
// says it has the request; a courier whose deadline passed is told.
void sweep(switchboard_actor* self) {
  auto& st = self->state;
  auto now = clock::now();
  for (auto& [id, e] : st.relays) {
    if (!e.taken && now - e.since >= st.options.timeout) {
      e.taken = true;
      self->send(e.relay, take_timeout_atom::value);
    }
  }
  auto receipt_after = st.options.timeout / 4;
  for (auto& [key, c] : st.couriers) {
    if (!c.receipt && now - c.since >= receipt_after &&
        !c.status->sent.load(std::memory_order_relaxed)) {
      c.receipt = true;
      self->send(c.ingress, wire::x_taken{key.second});
    }
    auto deadline = c.status->deadline_ns.load(std::memory_order_relaxed);
    if (deadline != 0 && now.time_since_epoch().count() >= deadline) {
      c.status->deadline_ns.store(0, std::memory_order_relaxed);
      self->send(c.courier, deadline_atom::value);
    }
  }
  self->delayed_send(self, sweep_period(st.options), sweep_atom::value);
}

caf::behavior switchboard(switchboard_actor* self, std::string node,
                          std::shared_ptr<const peer_table> table,
                          std::shared_ptr<const forward_intake> intake, forward_options options,
                          std::shared_ptr<cluster_metrics> metrics) {
  auto& st = self->state;
  st.node = std::move(node);
  st.table = std::move(table);
  st.intake = std::move(intake);
  st.options = options;
  st.metrics = std::move(metrics);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& s = self->state;
    if (auto r = s.relay_ids.find(dm.source); r != s.relay_ids.end()) {
      s.relays.erase(r->second);
      s.relay_ids.erase(r);
    } else if (auto c = s.courier_keys.find(dm.source); c != s.courier_keys.end()) {
      s.couriers.erase(c->second);
      s.courier_keys.erase(c);
    }
  });
  // Stopping: every relay and courier of the node ends now (nobody routes to them after this),
  // so none keeps the actor system from ending.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& [id, e] : self->state.relays) {
      self->send(e.relay, owner_lost_atom::value);
    }
    for (auto& [key, c] : self->state.couriers) {
      self->send(c.courier, wire::x_closed{key.second, key.first});
    }
    self->quit(msg.reason);
  });
  self->delayed_send(self, sweep_period(st.options), sweep_atom::value);
  return {
      [=](sweep_atom) { sweep(self); },
      [=](relay_register_atom, uint64_t id, std::string& peer, caf::actor& relay) {
        auto& s = self->state;
        self->monitor(relay);
        s.relay_ids[relay.address()] = id;
        s.relays[id] = {std::move(peer), std::move(relay), clock::now(), false};
      },
      [=](peer_gone_atom, const std::string& name) { peer_gone(self, name); },
      [=](wire::forwarded_request& r) { take(self, r); },
      [=](wire::x_taken& m) { to_relay(self, m); },
      [=](wire::x_respond& m) { to_relay(self, m); },
      [=](wire::x_start& m) { to_relay(self, m); },
      [=](wire::x_write& m) { to_relay(self, m); },
      [=](wire::x_end& m) { to_relay(self, m); },
      [=](wire::x_abort& m) { to_relay(self, m); },
      [=](wire::x_watch_close& m) { to_relay(self, m); },
      [=](wire::x_credit& m) { to_courier(self, m); },
      [=](wire::x_closed& m) { to_courier(self, m); },
  };
}

}  // namespace

caf::actor start_switchboard(caf::actor_system& sys, std::string node,
                             std::shared_ptr<const peer_table> table,
                             std::shared_ptr<const forward_intake> intake, forward_options options,
                             std::shared_ptr<cluster_metrics> metrics) {
  return sys.spawn(switchboard, std::move(node), std::move(table), std::move(intake), options,
                   std::move(metrics));
}

}  // namespace mcprt::actors::cluster
