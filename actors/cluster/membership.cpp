#include "actors/cluster/membership.hpp"

#include <algorithm>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/basp_broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/middleman_actor.hpp>
#include <caf/openssl/publish.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <set>

#include "actors/cluster/cluster_metrics.hpp"
#include "actors/cluster/federation.hpp"
#include "actors/cluster/wire.hpp"
#include "runtime/codec/json.hpp"
#include "runtime/mcp/ids.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::cluster {

std::vector<peer_view> peer_table::snapshot() const {
  std::lock_guard<std::mutex> g(mutex_);
  return peers_;
}

std::optional<peer_view> peer_table::find(std::string_view name) const {
  std::lock_guard<std::mutex> g(mutex_);
  for (const auto& p : peers_) {
    if (p.name == name) {
      return p;
    }
  }
  return std::nullopt;
}

void peer_table::set(const peer_view& v) {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = std::find_if(peers_.begin(), peers_.end(),
                         [&](const peer_view& p) { return p.name == v.name; });
  if (it == peers_.end()) {
    peers_.push_back(v);
  } else {
    *it = v;
  }
}

namespace {

/// The one actor a node publishes: peers say hello to it and ping it. Typed with wire types
/// only, so nothing local can be asked of it from another node.
using gateway_actor =
    caf::typed_actor<caf::replies_to<wire::hello>::with<wire::hello>,
                     caf::replies_to<wire::ping>::with<wire::pong>, caf::reacts_to<wire::interest>,
                     caf::reacts_to<wire::remote_note>, caf::reacts_to<wire::notes_ack>>;

using begin_atom = caf::atom_constant<caf::atom("cl_begin")>;
using dial_atom = caf::atom_constant<caf::atom("cl_dial")>;
using ping_round_atom = caf::atom_constant<caf::atom("cl_ping")>;

constexpr std::chrono::milliseconds first_backoff{500};
constexpr std::chrono::milliseconds most_backoff{5000};

std::string app_identifier(const cluster_options& o) {
  return "mcprt-cluster/" + std::to_string(wire::version) + "/" + o.cluster_name;
}

// A hello answered with its own: the asker learns the answerer's node and incarnation. The
// federated notifier's traffic goes on to this node's federator.
gateway_actor::behavior_type gateway(gateway_actor::pointer self, const caf::actor& members,
                                     std::chrono::milliseconds timeout,
                                     const caf::actor& federator) {
  return {
      [=](wire::hello& theirs) {
        auto rp = self->make_response_promise<wire::hello>();
        self->request(members, timeout, std::move(theirs))
            .then([rp](wire::hello& mine) mutable { rp.deliver(std::move(mine)); },
                  [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      },
      [](const wire::ping& p) { return wire::pong{p.seq}; },
      [=](wire::interest& i) { caf::anon_send(federator, std::move(i)); },
      [=](wire::remote_note& n) { caf::anon_send(federator, std::move(n)); },
      [=](wire::notes_ack& a) { caf::anon_send(federator, std::move(a)); },
  };
}

struct peer {
  peer_address address;
  caf::io::middleman_actor connector;  // Set: this node dials it (its name sorts above ours).
  caf::actor gateway;                  // Its gateway (a proxy) while up.
  caf::actor switchboard;              // Its switchboard (a proxy) while up.
  uint64_t incarnation = 0;
  bool up = false;
  bool connecting = false;
  bool ping_out = false;
  uint64_t pings = 0;
  std::chrono::milliseconds backoff{0};
  std::string last_failure;  // Logged once until it changes or the peer comes up.
};

struct membership_state {
  cluster_options o;
  caf::actor federator;
  caf::actor switchboard;
  std::vector<peer> peers;
  wire::hello mine;
  std::shared_ptr<peer_table> table;
  std::shared_ptr<cluster_metrics> m;
  std::set<std::string> gateway_interface;
  static inline const char* name = "mcprt.cluster.membership";
};

using membership_actor = caf::stateful_actor<membership_state>;

void publish_state(membership_actor* self, const peer& p) {
  auto& st = self->state;
  st.table->set(
      {p.address.name, p.up, p.up ? p.incarnation : 0, p.up ? p.switchboard : caf::actor()});
  st.m->up.Add({{"peer", p.address.name}}).Set(p.up ? 1 : 0);
}

std::optional<std::string> check_hello(const membership_state& st, const wire::hello& h) {
  if (h.cluster != st.o.cluster_name) {
    return "it belongs to cluster '" + h.cluster + "', not '" + st.o.cluster_name + "'";
  }
  if (h.wire_version != wire::version) {
    return "it speaks wire version " + std::to_string(h.wire_version) + ", this node " +
           std::to_string(wire::version) + " (one mcprt build per cluster)";
  }
  if (!h.gateway) {
    return std::string("its hello names no gateway");
  }
  return std::nullopt;
}

void schedule_dial(membership_actor* self, size_t i) {
  auto& p = self->state.peers[i];
  p.backoff = std::clamp(p.backoff * 2, first_backoff, most_backoff);
  self->delayed_send(self, p.backoff, dial_atom::value, static_cast<uint64_t>(i));
}

void failed(membership_actor* self, size_t i, const std::string& step, const std::string& why) {
  auto& p = self->state.peers[i];
  p.connecting = false;
  self->state.m->connect_errors.Add({{"peer", p.address.name}, {"step", step}}).Increment();
  auto line = step + ": " + why;
  if (line != p.last_failure) {
    log::warn("cluster peer=" + p.address.name + " unreachable at " + p.address.host + ":" +
              std::to_string(p.address.port) + " (" + line + "); retrying with backoff");
    p.last_failure = line;
  }
  if (p.connector) {
    schedule_dial(self, i);
  }
}

void went_up(membership_actor* self, size_t i, caf::actor gw, const wire::hello& theirs) {
  auto& p = self->state.peers[i];
  if (p.up && p.gateway != gw) {
    self->demonitor(p.gateway);  // The peer restarted: its old gateway is gone.
  }
  bool again = p.up && p.incarnation == theirs.incarnation && p.gateway == gw;
  if (p.up && !again) {
    // Back as a new process without a down in between: its old requests are gone.
    self->send(self->state.switchboard, peer_gone_atom::value, p.address.name);
  }
  p.gateway = std::move(gw);
  p.switchboard = theirs.switchboard;
  p.incarnation = theirs.incarnation;
  p.up = true;
  p.connecting = false;
  p.ping_out = false;
  p.backoff = {};
  p.last_failure.clear();
  // Routing learns first: once the log says "up", requests are forwarded to this process.
  publish_state(self, p);
  if (!again) {
    self->monitor(p.gateway);
    log::info("cluster peer=" + p.address.name + " up incarnation=" + hex64(p.incarnation));
  }
  if (!again && self->state.federator) {
    self->send(self->state.federator, fed_up_atom::value, p.address.name, p.gateway);
  }
}

void went_down(membership_actor* self, size_t i, const std::string& reason,
               const std::string& why) {
  auto& p = self->state.peers[i];
  if (!p.up) {
    return;
  }
  self->demonitor(p.gateway);
  p.gateway = nullptr;
  p.switchboard = nullptr;
  p.up = false;
  self->send(self->state.switchboard, peer_gone_atom::value, p.address.name);
  p.ping_out = false;
  self->state.m->downs.Add({{"peer", p.address.name}, {"reason", reason}}).Increment();
  publish_state(self, p);  // As for "up": the log line follows what routing knows.
  log::warn("cluster peer=" + p.address.name + " down (" + why + ")");
  if (self->state.federator) {
    self->send(self->state.federator, fed_down_atom::value, p.address.name);
  }
  if (p.connector) {
    schedule_dial(self, i);
  }
}

std::optional<size_t> index_of(const membership_state& st, const std::string& name) {
  for (size_t i = 0; i < st.peers.size(); ++i) {
    if (st.peers[i].address.name == name) {
      return i;
    }
  }
  return std::nullopt;
}

void dial(membership_actor* self, size_t i) {
  auto& p = self->state.peers[i];
  if (p.up || p.connecting) {
    return;
  }
  p.connecting = true;
  const auto& o = self->state.o;
  self->request(p.connector, o.connect_timeout, caf::connect_atom::value, p.address.host,
                p.address.port)
      .then(
          [=](const caf::node_id&, caf::strong_actor_ptr& ptr,
              const std::set<std::string>& interface) {
            if (!ptr) {
              return failed(self, i, "connect", "nothing is published there");
            }
            if (interface != self->state.gateway_interface) {
              return failed(self, i, "interface",
                            "what is published there is not this build's gateway");
            }
            auto gw = caf::actor_cast<caf::actor>(ptr);
            self->request(gw, self->state.o.dead_after, self->state.mine)
                .then(
                    [=](wire::hello& theirs) {
                      auto& q = self->state.peers[i];
                      if (auto why = check_hello(self->state, theirs)) {
                        return failed(self, i, "hello", "refused: " + *why);
                      }
                      if (theirs.node != q.address.name) {
                        return failed(self, i, "hello", "it says it is node '" + theirs.node + "'");
                      }
                      went_up(self, i, gw, theirs);
                    },
                    [=](caf::error& err) {
                      failed(self, i, "hello", "refused: " + self->system().render(err));
                    });
          },
          [=](caf::error& err) { failed(self, i, "connect", self->system().render(err)); });
}

void ping_round(membership_actor* self) {
  auto& st = self->state;
  for (size_t i = 0; i < st.peers.size(); ++i) {
    auto& p = st.peers[i];
    if (!p.up || p.ping_out) {
      continue;
    }
    p.ping_out = true;
    auto gw = p.gateway;
    self->request(gw, st.o.dead_after, wire::ping{++p.pings})
        .then([=](const wire::pong&) { self->state.peers[i].ping_out = false; },
              [=](caf::error&) {
                auto& q = self->state.peers[i];
                if (q.up && q.gateway == gw) {
                  went_down(self, i, "ping",
                            "no answer to a ping within cluster.deadAfterMs: its actors are "
                            "stuck or the link is");
                }
              });
  }
  self->delayed_send(self, st.o.heartbeat, ping_round_atom::value);
}

bool dials(const cluster_options& o, const peer_address& a) {
  // One side dials, so two nodes never race to open two links: the smaller name dials.
  return o.node < a.name;
}

caf::behavior membership_behavior(membership_actor* self, cluster_options o, caf::actor federator,
                                  caf::actor switchboard,
                                  std::vector<caf::io::middleman_actor> connectors,
                                  std::shared_ptr<peer_table> table,
                                  std::shared_ptr<cluster_metrics> m) {
  auto& st = self->state;
  st.o = std::move(o);
  st.federator = std::move(federator);
  st.switchboard = std::move(switchboard);
  st.table = std::move(table);
  st.m = std::move(m);
  st.gateway_interface = self->system().message_types<gateway_actor>();
  for (size_t i = 0; i < st.o.peers.size(); ++i) {
    peer p;
    p.address = st.o.peers[i];
    p.connector = connectors[i];
    st.peers.push_back(std::move(p));
    publish_state(self, st.peers.back());
  }
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& peers = self->state.peers;
    for (size_t i = 0; i < peers.size(); ++i) {
      if (peers[i].up && peers[i].gateway.address() == dm.source) {
        went_down(self, i, "connection",
                  "its gateway is gone: " + self->system().render(dm.reason));
      }
    }
  });
  return {
      [=](begin_atom, caf::actor own_gateway) {
        auto& s = self->state;
        s.mine = {s.o.cluster_name, wire::version,          s.o.node,
                  s.o.incarnation,  std::move(own_gateway), s.switchboard};
        for (size_t i = 0; i < s.peers.size(); ++i) {
          if (s.peers[i].connector) {
            dial(self, i);
          }
        }
        self->delayed_send(self, s.o.heartbeat, ping_round_atom::value);
      },
      [=](dial_atom, uint64_t i) { dial(self, static_cast<size_t>(i)); },
      [=](ping_round_atom) { ping_round(self); },
      // A peer's hello, through our gateway: checked, then answered with ours.
      [=](wire::hello& theirs) -> caf::result<wire::hello> {
        auto& s = self->state;
        auto i = index_of(s, theirs.node);
        std::optional<std::string> why = check_hello(s, theirs);
        if (!why && !i) {
          why = "node '" + theirs.node + "' is not in cluster.peers";
        }
        if (why) {
          log::warn("cluster hello refused: " + *why);
          return caf::make_error(caf::sec::invalid_argument,
                                 "hello refused by node '" + s.o.node + "': " + *why);
        }
        went_up(self, *i, theirs.gateway, theirs);
        return s.mine;
      },
  };
}

}  // namespace

void configure_actor_system(const cluster_options& o, caf::actor_system_config& cfg) {
  cfg.load<caf::io::middleman>();
  // CAF 0.17.6 leaves BASP heartbeats off: a frozen peer would never be noticed.
  cfg.set("middleman.heartbeat-interval", caf::timespan{o.heartbeat});
  cfg.set("middleman.connection-timeout", caf::timespan{o.dead_after});
  // The dialer checks it in BASP's handshake; the hello checks it again on both sides.
  cfg.set("middleman.app-identifiers", std::vector<std::string>{app_identifier(o)});
  wire::add_wire_types(cfg);
  if (o.tls()) {
    // Every link is TLS with a certificate from the cluster's CA, both ways: a plaintext or
    // foreign peer fails the handshake. CAF checks the chain, not the host name, so the CA
    // must be the cluster's own.
    cfg.load<caf::openssl::manager>();
    cfg.set("openssl.certificate", o.tls_cert_file);
    cfg.set("openssl.key", o.tls_key_file);
    cfg.set("openssl.cafile", o.tls_ca_file);
  }
}

struct membership::actors {
  caf::actor_system* sys = nullptr;
  caf::actor members;
  caf::actor switchboard;
  caf::actor federator;  // Null without a notifier.
  gateway_actor gw;
  // The peers' own connectors (hidden, detached actors of the io middleman): they must be
  // gone before the middleman stops, so stop() waits for them.
  std::vector<caf::io::middleman_actor> connectors;
};

expected<std::unique_ptr<membership>, std::string> membership::start(
    caf::actor_system& sys, cluster_options o, const std::shared_ptr<mcprt::metrics>& metrics,
    std::shared_ptr<notifier::notifier> notes) {
  std::unique_ptr<membership> out(new membership());
  auto m = std::make_shared<cluster_metrics>(metrics->registry());
  out->intake_ = std::make_shared<forward_intake>();
  out->actors_ = std::make_unique<actors>();
  auto& a = *out->actors_;
  a.switchboard = start_switchboard(sys, o.node, out->table_, out->intake_, o.forward, m);
  out->forwarder_ =
      std::make_shared<forwarder>(sys, o.node, out->table_, a.switchboard, o.forward, m);
  if (notes) {
    auto fo = o.federation;
    fo.node = o.node;
    a.federator = start_federation(sys, std::move(fo), notes, m);
    out->notes_ = std::move(notes);
  }
  auto host = o.listen_host;
  auto port = o.listen_port;
  auto timeout = o.dead_after;
  out->cluster_name_ = o.cluster_name;
  out->node_ = o.node;
  out->incarnation_ = o.incarnation;
  for (const auto& p : o.peers) {
    out->table_->set({p.name, false, 0, {}});  // Listed (down) before the actor runs.
  }
  a.sys = &sys;
  auto basp = sys.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  for (const auto& peer : o.peers) {
    // Its own connector: a connect that hangs (a blackholed peer) blocks only this peer.
    if (!dials(o, peer)) {
      a.connectors.emplace_back();
    } else if (o.tls()) {
      a.connectors.push_back(caf::openssl::make_middleman_actor(sys, basp));
    } else {
      a.connectors.push_back(caf::io::make_middleman_actor(sys, basp));
    }
  }
  bool tls = o.tls();
  a.members = sys.spawn(membership_behavior, std::move(o), a.federator, a.switchboard, a.connectors,
                        out->table_, m);
  a.gw = sys.spawn(gateway, a.members, timeout, a.federator);
  // Before the port opens: a peer's hello is answered with a hello that names our gateway.
  caf::anon_send(a.members, begin_atom::value, caf::actor_cast<caf::actor>(a.gw));
  // reuse: a restarted node binds its port again at once (no TIME_WAIT wait).
  auto bound = tls ? caf::openssl::publish(a.gw, port, host.c_str(), true)
                   : sys.middleman().publish(a.gw, port, host.c_str(), true);
  if (!bound) {
    auto why = "cannot listen for cluster peers on " + host + ":" + std::to_string(port) + ": " +
               sys.render(bound.error());
    out->stop();
    return why;
  }
  out->port_ = *bound;
  return out;
}

std::string membership::describe() const {
  std::string out = R"({"name":)" + quote(cluster_name_) + R"(,"node":)" + quote(node_) +
                    R"(,"incarnation":")" + hex64(incarnation_) + R"(","peers":{)";
  auto peers = table_->snapshot();
  for (size_t i = 0; i < peers.size(); ++i) {
    out += (i > 0 ? "," : "") + quote(peers[i].name) + (peers[i].up ? R"(:"up")" : R"(:"down")");
  }
  return out + "}}";
}

void membership::serve_forwarded_with(forward_server serve) {
  intake_->set(std::move(serve));
}

bool membership::all_up() const {
  auto peers = table_->snapshot();
  return std::all_of(peers.begin(), peers.end(), [](const peer_view& p) { return p.up; });
}

void membership::stop() {
  if (!actors_) {
    return;
  }
  auto& a = *actors_;
  caf::scoped_actor self(*a.sys);
  self->send_exit(a.gw, caf::exit_reason::user_shutdown);
  self->send_exit(a.members, caf::exit_reason::user_shutdown);
  self->wait_for(a.gw, a.members);
  if (notes_) {
    notes_->federate(nullptr);
  }
  for (const auto& f : {a.federator, a.switchboard}) {
    if (f) {
      self->send_exit(f, caf::exit_reason::user_shutdown);
      self->wait_for(f);
    }
  }
  for (const auto& c : a.connectors) {
    if (c) {
      self->send_exit(c, caf::exit_reason::kill);  // As the middleman stops its own.
      self->wait_for(c);
    }
  }
  actors_.reset();
}

membership::~membership() {
  stop();
}

}  // namespace mcprt::actors::cluster
