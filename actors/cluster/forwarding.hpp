// Forward to the owner: a request for a session or task another node owns is relayed there
// over BASP and served as if it had arrived there. The ingress side (forwarder, a relay actor
// per request) and the owner's side (serve_forwarded, a courier actor per request) meet in
// wire.hpp's forwarded_request / x_* messages; a credit window bounds what is in flight.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "actors/cluster/wire.hpp"
#include "runtime/auth/principal.hpp"
#include "runtime/io/http_exchange.hpp"
#include "runtime/mcp/ids.hpp"

namespace mcprt::actors::cluster {

class peer_table;
struct cluster_metrics;

/// How forwarded requests behave.
struct forward_options {
  /// cluster.forwardTimeoutMs: the owner must take a request within this, else 503.
  std::chrono::milliseconds timeout{2000};
  /// How often a relay checks that its owner is still up (cluster.heartbeatMs).
  std::chrono::milliseconds owner_check{1000};
  /// The reconnect hint of a stream whose owner went away (transport.sseRetryMs).
  std::chrono::milliseconds sse_retry{2000};
  /// Bytes of one stream in flight between the owner and the client's socket; past it the
  /// owner stops pulling the stream's queue, whose own policy then applies.
  size_t window_bytes = size_t{256} * 1024;
};

/// The owner's entry for forwarded requests: the endpoint, set once the server listens.
using forward_server = std::function<void(http_request, principal, http_exchange_ptr)>;

/// The ingress side: decides whether an id is another node's and relays requests there.
class forwarder {
 public:
  forwarder(caf::actor_system& sys, std::string node, std::shared_ptr<peer_table> table,
            forward_options options, std::shared_ptr<cluster_metrics> metrics);

  /// The configured peer `id` names, or nullopt when the id is this node's, bare, malformed or
  /// names a node not in cluster.peers (all looked up locally).
  std::optional<id_owner> elsewhere(std::string_view id) const;

  /// The up peer that is home to `scope` (a caller's idempotency key) by rendezvous hashing
  /// over this node and the peers up now, or nullopt when that is this node: a retry with the
  /// key reaches the same node wherever it lands, as long as that node stays up.
  std::optional<std::string> home_of(std::string_view scope) const;

  /// Relays `request` (already authenticated as `caller`) to `owner` and answers on `ex`. A
  /// session of a down or restarted owner answers 404 at once; a task of a down node 503
  /// (retryable), as does a keyed request's. `rpc_id` is the JSON-RPC id for those answers.
  void forward(const id_owner& owner, wire::forward_kind kind, http_request request,
               const principal& caller, std::string rpc_id, http_exchange_ptr ex) const;

 private:
  caf::actor_system& sys_;
  std::string node_;
  std::shared_ptr<peer_table> table_;
  forward_options options_;
  std::shared_ptr<cluster_metrics> metrics_;
};

/// The owner's side: answers a forwarded request through `serve`, with an exchange whose
/// writes go back to the request's relay. Returns the courier the relay talks to.
caf::actor serve_forwarded(caf::actor_system& sys, wire::forwarded_request& request,
                           const forward_server& serve, const forward_options& options,
                           std::shared_ptr<cluster_metrics> metrics);

/// The label of a forward_kind in metrics and logs.
std::string_view kind_name(wire::forward_kind kind);

}  // namespace mcprt::actors::cluster
