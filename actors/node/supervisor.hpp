// The node's supervisor of plugin actors and of its own parts' actors. When a plugin actor
// ends on its own (not at shutdown), what it served leaves the catalog at once and
// `list_changed` goes out; calls waiting in its mailbox are answered with an error as their
// responders go; then the plugin is started again after a backoff, or stays down, as its
// policy says. A part's actor (notifier shard, job sweep, adapter pool) is replaced at once
// by its part. Not the start-up order (node.cpp).
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "actors/catalog/catalog.hpp"
#include "actors/catalog/live_catalog.hpp"
#include "runtime/api/plugin_api.hpp"
#include "runtime/codec/expected.hpp"
#include "runtime/observe/metrics.hpp"

namespace mcprt::actors::node {

/// How often and how soon a plugin is started again.
struct supervision_options {
  std::chrono::milliseconds backoff{100};  ///< Before the first restart; doubles up to 100x.
  int max_restarts = 5;                    ///< Restarts within a minute; past it, stay down.
};

/// A plugin as the supervisor watches it.
struct watched_plugin {
  std::string name;
  restart_policy policy = restart_policy::restart;
  std::vector<tool_actor> actors;  ///< What it registered in the catalog.
};

/// A plugin started afresh: what it registered, and the actors behind it.
struct plugin_start {
  catalog::catalog_ptr registered;
  std::vector<tool_actor> actors;
};

/// A part of the node that runs on actors of its own (the notifier's shards, the job
/// service's sweep, an adapter pool). The supervisor watches its actors; when one ends on its
/// own (not at shutdown), it is counted and `replace` puts a fresh one in its place. Called
/// only after the dead actor has ended, on the supervisor's thread.
struct watched_service {
  std::string name;  ///< notifier, jobs, adapter:<name>: the metric's `service` label.
  std::string role;  ///< shard, sweep, pool: the metric's `actor` label.
  std::vector<caf::actor_addr> actors;
  /// The replacement to watch; an empty address when `dead` was not the part's (any more).
  std::function<caf::actor_addr(const caf::actor_addr& dead)> replace;
};

/// Starts the named plugin again into a fresh catalog builder; a reason when it cannot.
using plugin_starter = std::function<expected<plugin_start, std::string>(const std::string&)>;

/// Spawns the supervisor; it monitors the actors of `plugins` and `services` at once.
caf::actor spawn_supervisor(caf::actor_system& sys, supervision_options options,
                            std::vector<watched_plugin> plugins,
                            std::vector<watched_service> services,
                            std::shared_ptr<catalog::node_catalog> live, plugin_starter starter,
                            std::shared_ptr<mcprt::metrics> metrics);

}  // namespace mcprt::actors::node
