// An adapter pool (DESIGN.md §2): a warm pool of worker subprocesses that each speak MCP over
// stdio, so any stdio MCP server can serve tools through mcprt. The pool starts `minWorkers`,
// discovers their tools and registers them (with `toolPrefix`) in the live catalog, grows to
// `maxWorkers` under load, queues calls beyond `maxInflightPerWorker`, health-checks with
// ping, restarts a crashed or silent worker with backoff (its calls fail with a clear error),
// enforces per-call timeouts, forwards progress and log notifications, cancels a worker's call
// when the request is cancelled, and can pin a 2025 session to one worker.
//
// This is the pool's handle: the pool itself is a pool_core behind a pool_gate (calls and
// answers run on the caller's and the worker's threads) whose life and timers a typed actor
// owns (pool_actor.hpp); the node's supervisor replaces that actor if it ends on its own.
#pragma once

#include <caf/actor_addr.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "actors/adapters/pool_actor.hpp"
#include "actors/adapters/worker.hpp"
#include "runtime/api/plugin_api.hpp"

namespace prometheus {
class Registry;
}

namespace mcprt::actors::adapters {

/// One `adapters[]` entry of the config.
struct adapter_options {
  std::string name;
  worker_command command;
  int min_workers = 1;
  int max_workers = 1;
  int max_inflight_per_worker = 1;
  std::chrono::milliseconds call_timeout{300000};
  std::chrono::milliseconds start_timeout{15000};    ///< initialize + tools/list must answer.
  std::chrono::milliseconds health_interval{10000};  ///< ping period of an idle worker.
  bool session_affinity = false;                     ///< affinity: session.
  std::string tool_prefix;
  task_support tasks = task_support::optional;  ///< How its tools offer tasks.
};

class adapter_pool : public std::enable_shared_from_this<adapter_pool> {
 public:
  adapter_pool(adapter_options options, caf::actor_system& sys, std::shared_ptr<live_catalog> live,
               prometheus::Registry& registry);
  ~adapter_pool();

  /// Starts the pool's actor, which starts `minWorkers`; tools appear in the catalog once the
  /// first worker lists them.
  void start();
  /// Stops the pool's actor (shutdown): its calls in flight fail, its workers are killed.
  void stop();
  /// Forwards `method` (tools/call, prompts/get, resources/read) for `tool` (the worker's name,
  /// without the prefix; or the URI) to a worker, answering `out`.
  void call(const std::string& method, const std::string& tool, const json_ref& arguments,
            const responder& out);
  /// Health for GET /mcp/capabilities: available, workers, version, restarts, timeouts.
  std::string health_json() const;
  /// True while at least one worker is ready (GET /readyz lists the pools that are not).
  bool available() const;
  const adapter_options& options() const { return options_; }

  /// The pool's actor, for the node's supervisor.
  caf::actor_addr actor_address() const;
  /// Starts a fresh actor (and workers) in the place of `dead`, which ended on its own; its
  /// address, or an empty one when `dead` is not this pool's actor or the pool is stopping.
  caf::actor_addr replace(const caf::actor_addr& dead);

 private:
  // A fresh actor with its own gate; both become current.
  std::pair<pool_actor, std::shared_ptr<pool_gate>> spawn_actor();

  adapter_options options_;
  caf::actor_system& system_;
  std::shared_ptr<live_catalog> live_;
  std::shared_ptr<pool_shared> shared_;
  mutable std::mutex mutex_;
  pool_actor actor_;                 // Under mutex_.
  std::shared_ptr<pool_gate> gate_;  // Under mutex_: the current actor's.
  bool stopped_ = false;
};

}  // namespace mcprt::actors::adapters
