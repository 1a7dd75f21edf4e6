// Long-running calls as durable jobs (issue 5): one typed actor per job (job_actor) drives
// its state machine (job_machine: running ⇄ input_required → completed | failed | cancelled |
// expired), runs the tool's rounds, honours cancellation and its timeout, and writes every
// state change to the job store before anyone can see it. The service keeps live jobs'
// snapshots and reads finished ones back from the store, so a task outlives its session and
// the process that made it.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/jobs/job_actor.hpp"
#include "actors/jobs/job_metrics.hpp"
#include "actors/jobs/store.hpp"
#include "actors/notifier/notifier.hpp"
#include "runtime/api/messages.hpp"
#include "runtime/mcp/ids.hpp"

namespace caf {
class actor_system;
}

namespace mcprt::actors::jobs {

/// The operator's knobs (config `jobs.*`).
struct job_options {
  std::chrono::milliseconds timeout{300000};  ///< A job still unfinished then is expired.
  int64_t result_ttl_ms = 3600000;            ///< How long a task stays readable (ttl / ttlMs).
  int64_t poll_interval_ms = 1000;            ///< Suggested tasks/get interval.
  std::chrono::milliseconds sweep_every{60000};
  id_issuer ids;  ///< Task ids; in a cluster they name this node.
};

/// What a new job runs and who it belongs to.
struct job_spec {
  std::string owner;  ///< The principal (or, without auth, the 2025 session) it belongs to.
  std::string tool;
  std::string idempotency_key;  ///< The client's key, or empty.
  request_info info;            ///< Template of each round's request (era, caps, inputs).
  task_round round;             ///< Runs one round of the tool.
};

/// The node's jobs. Thread-safe; callbacks run on a job's actor or the caller's thread.
class job_service : public std::enable_shared_from_this<job_service> {
 public:
  /// Called once the job exists durably (`existed`: an earlier call with the same idempotency
  /// key made it), or with the reason it could not be recorded.
  using created_fn = std::function<void(expected<task_view>, bool existed)>;

  job_service(caf::actor_system& sys, std::unique_ptr<job_store> store, job_options options,
              std::shared_ptr<notifier::notifier> notes);
  ~job_service();

  const job_options& options() const { return options_; }
  /// Counts jobs from now on (the node sets it; tests may leave it unset).
  void set_metrics(std::shared_ptr<job_metrics> metrics) { metrics_ = std::move(metrics); }

  /// Records a job and starts its first round; with an idempotency key that `owner` used
  /// before, answers with that job instead (a different tool under the same key is -32602).
  void start(job_spec spec, created_fn created);
  /// The task, live or finished; nullopt when unknown (or swept after its TTL).
  std::optional<task_view> get(const std::string& id);
  /// Tasks of `owner`, newest first: `limit` of them after skipping `offset`.
  std::vector<task_view> list(const std::string& owner, size_t offset, size_t limit);
  /// Cancels a running task (its current round is cancelled too) and answers with the task
  /// once the cancellation is durable; a finished task is answered as it is.
  void cancel(const std::string& id, view_fn done);
  /// Delivers answers to a task's pending input requests; once every one is answered, the
  /// next round runs. -32602 when the task is unknown or waits for no input.
  void update(const std::string& id, json_ref responses, input_done_fn done);
  /// Calls `done` once the task is finished (at once when it is).
  void when_final(const std::string& id, view_fn done);

  /// Deletes finished tasks past their TTL every `sweep_every`, from now on.
  void sweep_periodically();
  /// Stops timers and live jobs (shutdown); their records read "interrupted" after restart.
  void stop();

  /// The sweep's actor, for the node's supervisor.
  caf::actor_addr sweep_address() const;
  /// Puts a fresh sweep in the place of `dead` (ended on its own) and starts it; its address,
  /// or an empty one when `dead` is not the sweep.
  caf::actor_addr replace_sweep(const caf::actor_addr& dead);

 private:
  std::shared_ptr<live_job> find_live(const std::string& id);
  void forget(const job_record& record);
  void actor_lost(const std::shared_ptr<live_job>& live, const std::string& reason);
  std::shared_ptr<const job_context> context_locked();

  caf::actor_system& system_;
  std::shared_ptr<job_store> store_;
  job_options options_;
  std::shared_ptr<notifier::notifier> notes_;
  std::shared_ptr<const job_context> context_;  // What every job actor shares (made once).
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<live_job>> live_;
  std::map<std::string, std::string> keys_;  // owner + '\n' + key -> id, for keyed live jobs.
  runner_actor timer_;                       // Runs the periodic sweep (under mutex_).
  std::shared_ptr<job_metrics> metrics_;
  bool stopped_ = false;
};

/// `owner` + '\n' + `key`: the idempotency scope.
inline std::string idempotency_scope(const std::string& owner, const std::string& key) {
  return owner + '\n' + key;
}

}  // namespace mcprt::actors::jobs
