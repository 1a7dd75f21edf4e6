// A node's place in the cluster: its published gateway, the peers it dials (each through its
// own connector, so a dead peer blocks nobody), the hello both sides check, and liveness from
// monitoring each peer's gateway plus an application-level ping. Static membership: the peers
// are configured, nothing is elected. CAF's io middleman (BASP) carries everything.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/cluster/federation.hpp"
#include "actors/cluster/forwarding.hpp"
#include "actors/notifier/notifier.hpp"
#include "runtime/codec/expected.hpp"
#include "runtime/observe/metrics.hpp"

namespace mcprt::actors::cluster {

/// A configured peer.
struct peer_address {
  std::string name;
  std::string host;
  uint16_t port = 0;
};

/// What a node needs to join its cluster (from the config's `cluster` section).
struct cluster_options {
  std::string cluster_name;
  std::string node;
  uint64_t incarnation = 0;  ///< Random per process start.
  std::string listen_host;
  uint16_t listen_port = 0;  ///< 0 picks a free port (tests).
  std::vector<peer_address> peers;
  std::chrono::milliseconds heartbeat{1000};
  std::chrono::milliseconds dead_after{5000};
  std::chrono::milliseconds connect_timeout{3000};
  /// Mutual TLS (caf::openssl): all three set, or none (plaintext, loopback only).
  std::string tls_cert_file, tls_key_file, tls_ca_file;
  bool tls() const { return !tls_cert_file.empty(); }
  forward_options forward;
  /// The federated notifier's bounds (its `node` is set from `node`).
  federation_options federation;
};

/// One peer as the rest of the node sees it.
struct peer_view {
  std::string name;
  bool up = false;
  uint64_t incarnation = 0;  ///< The peer's, while up.
  caf::actor switchboard;    ///< Its switchboard (a proxy), while up.
};

/// The peers' states, written by the membership actor, read by any thread.
class peer_table {
 public:
  std::vector<peer_view> snapshot() const;
  /// The configured peer `name`, or nullopt.
  std::optional<peer_view> find(std::string_view name) const;
  void set(const peer_view& v);

 private:
  mutable std::mutex mutex_;
  std::vector<peer_view> peers_;
};

/// What the actor system's config needs before the system starts: the io middleman, BASP
/// heartbeats (CAF 0.17 leaves them off), the app identifier a dialer checks, the wire types.
void configure_actor_system(const cluster_options& o, caf::actor_system_config& cfg);

/// A running membership. Stop before the actor system ends.
class membership {
 public:
  /// Publishes the gateway on o.listen_host:listen_port and starts dialing; a one-line reason
  /// when the port cannot be bound.
  /// With `notes`, the node's notifier federates with its peers' (federation.hpp).
  static expected<std::unique_ptr<membership>, std::string> start(
      caf::actor_system& sys, cluster_options o, const std::shared_ptr<mcprt::metrics>& metrics,
      std::shared_ptr<notifier::notifier> notes = nullptr);
  ~membership();

  /// The bound cluster port.
  uint16_t port() const { return port_; }
  /// Every configured peer and whether it is up now.
  std::vector<peer_view> peers() const { return table_->snapshot(); }
  /// `{"name":..,"node":..,"incarnation":..,"peers":{"n2":"up",..}}` for /readyz and
  /// /mcp/capabilities.
  std::string describe() const;
  /// True while every configured peer is up.
  bool all_up() const;
  /// Relays requests for other nodes' sessions and tasks (the endpoint's ingress side).
  std::shared_ptr<const forwarder> forwarding() const { return forwarder_; }
  /// Where requests other nodes relay here are served (the endpoint, once it listens); until
  /// then, and after `nullptr`, they are refused and the ingress answers 503.
  void serve_forwarded_with(forward_server serve);
  /// Stops the gateway and the membership actor (and with them every dial).
  void stop();

 private:
  membership() = default;
  std::string cluster_name_;
  std::string node_;
  uint64_t incarnation_ = 0;
  struct actors;
  std::unique_ptr<actors> actors_;
  std::shared_ptr<peer_table> table_ = std::make_shared<peer_table>();
  std::shared_ptr<const forwarder> forwarder_;
  std::shared_ptr<forward_intake> intake_;
  std::shared_ptr<notifier::notifier> notes_;
  uint16_t port_ = 0;
};

}  // namespace mcprt::actors::cluster
