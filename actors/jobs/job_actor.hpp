// One typed actor per live job. It owns the job's state machine (job_machine), starts the
// tool's rounds (a round only sends the call on: to the tool's actor, to a pool, or to an
// inline-safe handler that does not block), writes each state change to the store and, once it
// is durable, publishes what readers see in the job's snapshot. Rounds report back as typed
// values, never as JSON.
#pragma once

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/jobs/job_machine.hpp"
#include "actors/jobs/store.hpp"
#include "actors/notifier/notifier.hpp"
#include "runtime/api/messages.hpp"
#include "runtime/codec/expected.hpp"

namespace mcprt::actors::jobs {

/// A task at one moment, as tasks/get shows it.
struct task_view {
  job_record record;
  std::string input_requests;  ///< Pending input requests (JSON object) while input_required.
};

using view_fn = std::function<void(expected<task_view>)>;
using input_done_fn = std::function<void(std::optional<rpc_error>)>;

/// job actor -> itself, from the round's responder: round `round` ended.
struct round_end {
  uint64_t round = 0;
  round_answer answer;
};
/// job actor -> itself, from the round's responder: the round reported progress.
struct round_progress {
  double progress = 0;
  std::optional<double> total;
  std::string message;
};
/// job service -> job actor: cancel (or, from itself at the timeout, expire) the job.
struct job_end {
  job_state state = job_state::cancelled;
  std::string error_json;  ///< The JSON-RPC error object its request ends with.
  std::string message;
};
/// job service -> job actor: answers to the job's input requests (tasks/update).
struct job_input {
  json_ref responses;
  input_done_fn done;  ///< Runs once: with an error when the job waits for no input.
};
/// store writer -> job actor: a write of the job's record is durable (or failed, `why`).
struct job_written {
  job_record record;
  bool ok = false;
  std::string why;
};

using job_actor = caf::typed_actor<caf::reacts_to<round_end>, caf::reacts_to<round_progress>,
                                   caf::reacts_to<job_end>, caf::reacts_to<job_input>,
                                   caf::reacts_to<job_written>>;

/// A live job as its service and callers see it: the snapshot its actor publishes, and who
/// waits for its end. Callers add waiters under `m`; the actor answers them when it settles.
struct live_job {
  std::mutex m;
  task_view view;
  bool settled = false;
  std::vector<view_fn> waiters;
  job_actor actor;
};

/// What every job of one service shares.
struct job_context {
  std::shared_ptr<job_store> store;
  std::shared_ptr<notifier::notifier> notes;  ///< May be null.
  std::chrono::milliseconds timeout{300000};
  int64_t poll_interval_ms = 1000;
  /// Called once the job has settled: it leaves the live set.
  std::function<void(const job_record&)> forget;
};

/// What a job runs.
struct job_work {
  request_info info;  ///< Template of each round's request (era, caps, inputs).
  task_round round;   ///< Runs one round of the tool.
};

/// Spawns the actor of `live`, a job just `created` (running); it writes that record and
/// runs the first round once it is durable. `on_created` is called then, or with the reason
/// the job could not be recorded.
job_actor spawn_job(caf::actor_system& sys, std::shared_ptr<const job_context> context,
                    std::shared_ptr<live_job> live, job_record created, job_work work,
                    std::function<void(std::optional<std::string> why)> on_created);

/// Unix time in milliseconds.
int64_t unix_ms();

}  // namespace mcprt::actors::jobs

// Local-only payloads: they hold callbacks and shared documents, so they never go remote.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::actors::jobs::round_end)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::actors::jobs::round_progress)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::actors::jobs::job_end)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::actors::jobs::job_input)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::actors::jobs::job_written)
