// Two-node cluster tests in one process: a node is an actor system with its membership (and,
// when asked, a notifier it federates), on a loopback port; `eventually` polls a condition.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "actors/cluster/membership.hpp"
#include "actors/notifier/notifier.hpp"

namespace mcprt::test {

struct unit_node {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<mcprt::metrics> metrics = std::make_shared<mcprt::metrics>();
  std::shared_ptr<actors::notifier::notifier> notes;  // Null unless `with_notifier`.
  std::unique_ptr<actors::cluster::membership> members;

  explicit unit_node(actors::cluster::cluster_options o, bool with_notifier = false) {
    actors::cluster::configure_actor_system(o, cfg);
    cfg.set("scheduler.max-threads", size_t{2});
    sys = std::make_unique<caf::actor_system>(cfg);
    if (with_notifier) {
      notes = std::make_shared<actors::notifier::notifier>(*sys, 2, metrics);
    }
    auto m = actors::cluster::membership::start(*sys, std::move(o), metrics, notes);
    REQUIRE(m.failure() == nullptr);
    members = std::move(m.value());
  }
  ~unit_node() {
    members->stop();
    if (notes) {
      notes->stop();
    }
  }
  unit_node(const unit_node&) = delete;
  unit_node& operator=(const unit_node&) = delete;

  /// The value of one metric series (its name and labels as rendered), 0 when absent.
  double counter(const std::string& series) const {
    auto text = metrics->render();
    auto at = text.find(series + " ");
    return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size() + 1));
  }
};

/// Options for node `name` whose one peer is `peer` on loopback port `peer_port` (only the
/// smaller name dials, so the other may give any port).
inline actors::cluster::cluster_options unit_options(std::string name, std::string peer,
                                                     uint16_t peer_port) {
  using namespace std::chrono_literals;
  actors::cluster::cluster_options o;
  o.cluster_name = "unit";
  o.node = std::move(name);
  o.incarnation = 7;
  o.listen_host = "127.0.0.1";
  o.peers = {{std::move(peer), "127.0.0.1", peer_port}};
  o.heartbeat = 200ms;
  o.dead_after = 2000ms;
  return o;
}

/// Polls `holds` until it is true (true) or `within` passes (false).
inline bool eventually(const std::function<bool()>& holds, std::chrono::milliseconds within) {
  auto deadline = std::chrono::steady_clock::now() + within;
  while (!holds()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::yield();
  }
  return true;
}

}  // namespace mcprt::test
