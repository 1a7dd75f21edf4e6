// One job's life as a pure state machine: events in; the record readers see, the record to
// write next and what to do out. No store, actor, lock or clock: the job's actor (jobs.cpp)
// feeds it and carries out its effects, so every transition is tested on its own.
//
//   running ──round asks input──▶ input_required ──every answer──▶ running (next round)
//   running ──round result──▶ completed      running ──round error──▶ failed
//   any live state ──cancel──▶ cancelled     any live state ──timeout──▶ expired
//
// A state change is *intended* at once (a second cancel or a late round sees it) and becomes
// *visible* only once its write is durable.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "actors/jobs/round_inputs.hpp"
#include "actors/jobs/store.hpp"
#include "runtime/codec/json_rpc.hpp"

namespace mcprt::actors::jobs {

/// How one round of the tool ended, as values (the round's responder hands them over).
struct round_answer {
  enum class kind { result, input_required, error };
  kind what = kind::result;
  std::string result;          ///< result: the object as the handler gave it.
  std::string input_requests;  ///< input_required: a JSON object.
  std::string state;           ///< input_required: the plain requestState payload.
  rpc_error error;             ///< error
};

/// What the job's actor does after an event, in this order.
struct job_effects {
  bool cancel_round = false;  ///< Stop the tool's current round (cancelled, expired).
  bool write = false;         ///< Write `to_write()` to the store.
  bool run_round = false;     ///< Start the next round (`begin_round()`).
  bool settle = false;        ///< Final and durable: answer the waiters, leave the live set.
};

/// What a round starts with.
struct round_start {
  uint64_t number = 0;
  std::string answers_json;   ///< The answers to the last round's input requests ("" first).
  std::string request_state;  ///< The last round's requestState ("" first).
};

/// A JSON-RPC error object as a task stores it ({code, message[, data]}).
std::string error_object(const rpc_error& error);

class job_machine {
 public:
  /// A job just created: `created` is running and about to be written.
  explicit job_machine(job_record created);

  /// What readers see: the last durable record, with live progress.
  const job_record& visible() const { return visible_; }
  /// Input requests still unanswered (JSON object, "" when none).
  const std::string& pending_inputs() const { return inputs_.pending_json(); }
  job_state intended() const { return intended_; }
  uint64_t round() const { return round_; }
  /// True once final and durable (or given up on): nothing changes any more.
  bool settled() const { return settled_; }
  /// Set when the outcome could not be recorded even as a failure: what waiters get instead.
  const std::optional<rpc_error>& lost() const { return lost_; }

  /// The record to write for the intended state, stamped `now_ms`.
  job_record to_write(int64_t now_ms) const;

  /// The next round starts; the answers it gets are taken.
  round_start begin_round();
  /// Progress reported by the current round.
  void progress(double progress, std::optional<double> total, std::string_view message);
  /// Round `round` ended; a round that is not the current one (or a job already ending)
  /// changes nothing.
  job_effects round_ended(uint64_t round, round_answer answer);
  /// The job is sent to a final state from outside (cancelled, expired) with the error object
  /// its request ends with; a job already ending changes nothing.
  job_effects end(job_state state, std::string error_json, std::string message);
  /// Answers to pending input; nullopt when the job waits for none.
  std::optional<job_effects> answer(const rapidjson::Value& responses);
  /// The write of `written` is durable.
  job_effects written(const job_record& written);
  /// The write of `failed` failed (`why`). A final outcome is replaced by a small failure
  /// record (write it: `write`); when that fails too, the job settles with `lost()`.
  job_effects write_failed(const job_record& failed, std::string_view why);

 private:
  job_effects finish(job_state state, std::string result, std::string message);

  job_record visible_;
  job_state intended_;
  std::string outcome_result_;   // Final result or error object, until durable.
  std::string outcome_message_;  // Final status message, until durable.
  round_inputs inputs_;
  std::string state_payload_;  // requestState for the next round.
  uint64_t round_ = 0;
  bool round_running_ = false;
  bool substituted_ = false;  // The outcome was replaced by an "unrecorded" failure.
  bool settled_ = false;
  std::optional<rpc_error> lost_;
};

}  // namespace mcprt::actors::jobs
