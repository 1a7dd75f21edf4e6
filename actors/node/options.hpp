// From the config file's keys to each room's own options: the one place that knows both
// names. Pure functions; nothing here starts anything.
#pragma once

#include <caf/actor_system_config.hpp>
#include <string>

#include "actors/adapters/pool.hpp"
#include "actors/cluster/membership.hpp"
#include "actors/dispatch/capabilities_doc.hpp"
#include "actors/front/endpoint.hpp"
#include "actors/identity/gate.hpp"
#include "actors/jobs/jobs.hpp"
#include "actors/session/feed.hpp"
#include "config/adapters.hpp"
#include "config/config.hpp"
#include "runtime/api/settings.hpp"
#include "transport/http_server.hpp"

namespace mcprt::actors::node {

/// A plugin's own keys, without its section prefix.
settings_view section_of(const config::config& cfg, const std::string& name);

/// The scheduler of the actor system (`scheduler.maxThreads`, `scheduler.policy`).
void configure_scheduler(const config::config& cfg, caf::actor_system_config& caf_cfg);

/// Subscriber queues, batching, replay and keep-alive of every stream.
/// The cluster section, or nullopt for a single node (no cluster.nodeName); the incarnation is
/// drawn here, once per process.
std::optional<cluster::cluster_options> cluster_options_of(const config::config& cfg);
/// The ids this node issues: named after it in a cluster, bare otherwise.
id_issuer id_issuer_of(const std::optional<cluster::cluster_options>& cluster);
/// What /mcp/capabilities shows of the limits and timeouts.
dispatch::node_limits node_limits_of(const config::config& cfg);
/// notifier.subscriberQueue, performance.queueWatermark and batchSize, for new outboxes.
outbox_limits outbox_limits_of(const config::config& cfg);
session::stream_options stream_options_of(const config::config& cfg);

/// Timeouts, result lifetime and polling of durable jobs.
jobs::job_options job_options_of(const config::config& cfg, id_issuer ids = {});

/// One `adapters[]` entry as its pool's options.
adapters::adapter_options adapter_options_of(const config::adapter_config& a);

/// The HTTP policy: allowed hosts and origins, timeouts, payload bound.
front::endpoint_options endpoint_options_of(const config::config& cfg);

/// The resource server: mode, issuer, resource, scopes, API keys.
identity::gate_options gate_options_of(const config::config& cfg);

/// Which scopes each request needs (auth.scopes, methodScopes, toolScopes, resourceScopes).
scope_policy scope_policy_of(const config::config& cfg);

/// Applies log.level, log.format and log.access (at start, and again on SIGHUP).
void apply_log_settings(const config::config& cfg);

/// The listener and its connections: address, threads, limits, batching, WebSocket.
transport::server_options server_options_of(const config::config& cfg);

}  // namespace mcprt::actors::node
