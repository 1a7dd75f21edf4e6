// What every request path of a node shares, built once by the node and never changed after:
// the actor system, the catalog, the server profile, metrics, the notifier, jobs, and the
// stream settings. The HTTP endpoint, the pipe peers and every session read this one
// context; what only one of them needs (HTTP policy, a connection's outbox) stays with it.
#pragma once

#include <caf/fwd.hpp>
#include <chrono>
#include <memory>

#include "actors/catalog/catalog.hpp"
#include "actors/dispatch/dispatcher.hpp"
#include "actors/notifier/notifier.hpp"
#include "actors/session/feed.hpp"
#include "runtime/mcp/ids.hpp"
#include "runtime/observe/metrics.hpp"

namespace mcprt::actors::jobs {
class job_service;
}  // namespace mcprt::actors::jobs

namespace mcprt::actors::session {

/// The node's shared parts (immutable once built; shared by pointer).
struct node_context {
  caf::actor_system* system = nullptr;
  std::shared_ptr<catalog::catalog_source> tools;
  std::shared_ptr<const dispatch::server_profile> profile;
  std::shared_ptr<mcprt::metrics> metrics;
  std::shared_ptr<notifier::notifier> notifier;  ///< Null: no subscriptions, no GET stream.
  std::shared_ptr<jobs::job_service> jobs;       ///< Null: no tasks.
  stream_options streams;
  std::chrono::milliseconds client_request_timeout{60000};  ///< Sampling, elicitation, roots.
  std::shared_ptr<scope_policy_source> scopes;  ///< Null: every caller may call everything.
  id_issuer ids;  ///< Session and HTTP+SSE ids; in a cluster they name this node.
};

using node_context_ptr = std::shared_ptr<const node_context>;

}  // namespace mcprt::actors::session
