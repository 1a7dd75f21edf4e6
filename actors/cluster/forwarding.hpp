// Forward to the owner: a request for a session or task another node owns is relayed there
// over BASP and served as if it had arrived there. The ingress side (forwarder, a relay actor
// per request) and the owner's side (serve_forwarded, a courier actor per request) exchange
// wire.hpp's forwarded_request / x_* messages through each node's switchboard, which routes
// them by request id; a credit window bounds what is in flight.
#pragma once

#include <atomic>
#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "actors/cluster/wire.hpp"
#include "runtime/auth/principal.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/io/http_exchange.hpp"
#include "runtime/mcp/ids.hpp"

namespace mcprt::actors::cluster {

class peer_table;
struct cluster_metrics;

/// How forwarded requests behave.
struct forward_options {
  /// cluster.forwardTimeoutMs: the owner must take a request within this, else 503.
  std::chrono::milliseconds timeout{2000};
  /// The reconnect hint of a stream whose owner went away (transport.sseRetryMs).
  std::chrono::milliseconds sse_retry{2000};
  /// Bytes of one stream in flight between the owner and the client's socket; past it the
  /// owner stops pulling the stream's queue, whose own policy then applies.
  size_t window_bytes = size_t{256} * 1024;
};

/// The owner's entry for forwarded requests: the endpoint, set once the server listens.
using forward_server = std::function<void(http_request, principal, http_exchange_ptr)>;

/// Holds the owner's entry; empty until the server listens (requests are then dropped and the
/// ingress answers 503 after cluster.forwardTimeoutMs).
class forward_intake {
 public:
  void set(forward_server serve);
  forward_server current() const;

 private:
  mutable std::mutex mutex_;
  forward_server serve_;
};

/// relay -> its node's switchboard: route traffic of request `id` (relayed to `peer`) to me.
using relay_register_atom = caf::atom_constant<caf::atom("sb_reg")>;
/// switchboard -> relay: the owner went down or restarted.
using owner_lost_atom = caf::atom_constant<caf::atom("sb_lost")>;
/// switchboard -> relay: the owner did not take the request within cluster.forwardTimeoutMs.
using take_timeout_atom = caf::atom_constant<caf::atom("sb_tmo")>;
/// switchboard -> courier: the deadline the exchange was armed with has passed.
using deadline_atom = caf::atom_constant<caf::atom("sb_dead")>;

/// What a courier shares with its switchboard, which keeps time for every request of the node
/// in one sweep (no timer per request): whether anything went back yet, and the deadline the
/// owner armed (steady-clock nanoseconds, 0: none).
struct courier_status {
  std::atomic<bool> sent{false};
  std::atomic<int64_t> deadline_ns{0};
};

/// membership -> switchboard: the peer went down or came back as a new process: its relayed
/// requests end (a session's 404, a task's 503), requests it relayed here lose their client.
using peer_gone_atom = caf::atom_constant<caf::atom("sb_gone")>;

/// Spawns the node's switchboard: it takes forwarding traffic from peers (wire.hpp) and routes
/// it to the request's relay or courier, serves forwarded requests through `intake`, and
/// takes peer_gone_atom from the membership.
caf::actor start_switchboard(caf::actor_system& sys, std::string node,
                             std::shared_ptr<const peer_table> table,
                             std::shared_ptr<const forward_intake> intake, forward_options options,
                             std::shared_ptr<cluster_metrics> metrics);

/// The ingress side: decides whether an id is another node's and relays requests there.
class forwarder {
 public:
  forwarder(caf::actor_system& sys, std::string node, std::shared_ptr<peer_table> table,
            caf::actor switchboard, forward_options options,
            std::shared_ptr<cluster_metrics> metrics);

  /// The configured peer `id` names, or nullopt when the id is this node's, bare, malformed or
  /// names a node not in cluster.peers (all looked up locally).
  std::optional<id_owner> elsewhere(std::string_view id) const;

  /// The up peer that is home to `scope` (a caller's idempotency key) by rendezvous hashing
  /// over this node and the peers up now, or nullopt when that is this node: a retry with the
  /// key reaches the same node wherever it lands, as long as that node stays up.
  std::optional<std::string> home_of(std::string_view scope) const;

  /// Where a stateless 2026 request belongs when not here: a task operation on the task's
  /// node, a call with an idempotency key (of `caller`) on the key's home node.
  struct stateless_target {
    std::string node;
    wire::forward_kind kind = wire::forward_kind::task;
  };
  std::optional<stateless_target> home_of_stateless(const rpc::message& msg,
                                                    const rapidjson::Value* meta,
                                                    const principal& caller) const;

  /// Relays `request` (already authenticated as `caller`) to `owner` and answers on `ex`. A
  /// session of a down or restarted owner answers 404 at once; a task of a down node 503
  /// (retryable), as does a keyed request's. `rpc_id` is the JSON-RPC id for those answers.
  /// `on_end` runs once when the relayed answer has ended, however it ended (a draining node
  /// waits for relayed calls as for its own).
  void forward(const id_owner& owner, wire::forward_kind kind, http_request request,
               const principal& caller, std::string rpc_id, http_exchange_ptr ex,
               std::function<void()> on_end = {}) const;

 private:
  caf::actor_system& sys_;
  std::string node_;
  std::shared_ptr<peer_table> table_;
  caf::actor switchboard_;
  forward_options options_;
  std::shared_ptr<cluster_metrics> metrics_;
  mutable std::atomic<uint64_t> next_id_{1};
};

/// The owner's side of request `r`: spawns its courier (which answers through the ingress
/// node's `ingress` switchboard) and hands the request to `serve`.
caf::actor serve_forwarded(caf::actor_system& sys, wire::forwarded_request& r,
                           const caf::actor& ingress, const forward_server& serve,
                           std::shared_ptr<courier_status> status, const forward_options& options,
                           std::shared_ptr<cluster_metrics> metrics);

/// The label of a forward_kind in metrics and logs.
std::string_view kind_name(wire::forward_kind kind);

}  // namespace mcprt::actors::cluster
