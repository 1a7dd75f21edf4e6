// An adapter pool (DESIGN.md §2): a warm pool of worker subprocesses that each speak MCP over
// stdio, so any stdio MCP server can serve tools through mcprt. The pool starts `minWorkers`,
// discovers their tools and registers them (with `toolPrefix`) in the live catalog, grows to
// `maxWorkers` under load, queues calls beyond `maxInflightPerWorker`, health-checks with
// ping, restarts a crashed or silent worker with backoff (its calls fail with a clear error),
// enforces per-call timeouts, forwards progress and log notifications, cancels a worker's call
// when the request is cancelled, and can pin a 2025 session to one worker.
#pragma once

#include <caf/actor.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/adapters/pool_metrics.hpp"
#include "actors/adapters/worker.hpp"
#include "actors/adapters/worker_protocol.hpp"
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

  /// Starts `minWorkers`; tools appear in the catalog once the first worker lists them.
  void start();
  /// Kills the workers (shutdown); calls in flight fail.
  void stop();
  /// Runs the worker's tool `tool` (its name without the prefix) for `out`.
  void call(const std::string& tool, const json_ref& arguments, const responder& out);
  /// Health for GET /mcp/capabilities: available, workers, version, restarts, timeouts.
  std::string health_json() const;
  const adapter_options& options() const { return options_; }

 private:
  struct slot;
  struct pending_call;
  struct in_flight;
  void spawn_slot(size_t index);
  void restart_later_locked(slot& s);
  void on_line(size_t index, uint64_t generation, const std::string& line);
  void on_exit(size_t index, uint64_t generation, const std::string& how);
  void on_answer(slot& s, int64_t id, const rapidjson::Value& msg,
                 std::vector<std::function<void()>>& after);
  void on_progress(slot& s, const worker_line& note, std::vector<std::function<void()>>& after);
  void on_log(slot& s, const worker_line& note, std::vector<std::function<void()>>& after);
  void register_tools(const rapidjson::Value& tools);
  void dispatch_locked(std::vector<std::function<void()>>& after);
  bool place_locked(pending_call& call, std::vector<std::function<void()>>& after);
  void cancel_call(size_t index, uint64_t generation, int64_t id);
  void drop_locked(slot* owner, int64_t id, const in_flight& call, bool timed_out,
                   std::vector<std::function<void()>>& after);
  void health_tick();
  void deadline_tick();
  void later(std::chrono::milliseconds delay, std::function<void()> step);
  void update_gauges_locked();
  void log_line(std::string_view what) const;

  adapter_options options_;
  std::shared_ptr<live_catalog> live_;
  runner_actor timer_;  // Runs timeouts, restarts and health checks.
  std::unique_ptr<pool_metrics> metrics_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<slot>> slots_;
  std::deque<pending_call> queue_;
  std::map<std::string, size_t> pinned_;  // session id -> slot index.
  bool tools_registered_ = false;
  std::vector<std::string> tool_names_;  // Registered names (with prefix).
  std::string version_;                  // serverInfo "name version" of the workers.
  std::string last_error_;               // Why the last worker failed to start or died.
  uint64_t restarts_ = 0;
  bool ever_ready_ = false;  // Until a worker has served, a dead pool fails calls at once.
  bool stopped_ = false;
};

}  // namespace mcprt::actors::adapters
