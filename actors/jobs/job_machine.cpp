// A job's transitions; see the diagram in the header.
#include "actors/jobs/job_machine.hpp"

#include <algorithm>

#include "runtime/codec/json.hpp"

namespace mcprt::actors::jobs {

std::string error_object(const rpc_error& error) {
  std::string out = R"({"code":)" + std::to_string(static_cast<int>(error.code)) +
                    R"(,"message":)" + quote(error.message);
  if (!error.data_json.empty()) {
    out += R"(,"data":)" + error.data_json;
  }
  return out + "}";
}

job_machine::job_machine(job_record created)
    : visible_(std::move(created)), intended_(visible_.state) {}

job_record job_machine::to_write(int64_t now_ms) const {
  job_record out = visible_;
  out.state = intended_;
  out.updated_ms = now_ms;
  if (is_final(intended_)) {
    out.result_json = outcome_result_;
    out.message = outcome_message_;
  }
  return out;
}

round_start job_machine::begin_round() {
  round_start start;
  start.number = ++round_;
  if (round_ > 1) {
    start.answers_json = inputs_.take_answers();
    start.request_state = state_payload_;
  }
  round_running_ = true;
  return start;
}

void job_machine::progress(double progress, std::optional<double> total, std::string_view message) {
  if (is_final(intended_)) {
    return;
  }
  visible_.progress = progress;
  if (total) {
    visible_.total = total;
  }
  if (!message.empty()) {
    visible_.message = std::string(message);
  }
}

job_effects job_machine::round_ended(uint64_t round, round_answer answer) {
  if (round != round_ || !round_running_ || is_final(intended_)) {
    return {};  // A cancelled or timed-out round finishing late changes nothing.
  }
  round_running_ = false;
  switch (answer.what) {
    case round_answer::kind::error: {
      auto message = answer.error.message.empty() ? std::string("failed") : answer.error.message;
      return finish(job_state::failed, error_object(answer.error), std::move(message));
    }
    case round_answer::kind::input_required:
      inputs_.ask(answer.input_requests);
      state_payload_ = std::move(answer.state);
      intended_ = job_state::input_required;
      return {.write = true};
    case round_answer::kind::result:
      break;
  }
  return finish(job_state::completed, std::move(answer.result), "");
}

job_effects job_machine::end(job_state state, std::string error_json, std::string message) {
  auto effects = finish(state, std::move(error_json), std::move(message));
  effects.cancel_round = effects.write;  // Stop the tool's work (and its worker call).
  return effects;
}

job_effects job_machine::finish(job_state state, std::string result, std::string message) {
  if (is_final(intended_)) {
    return {};
  }
  intended_ = state;
  outcome_result_ = std::move(result);
  outcome_message_ = std::move(message);
  inputs_.clear();
  return {.write = true};
}

std::optional<job_effects> job_machine::answer(const rapidjson::Value& responses) {
  if (intended_ != job_state::input_required) {
    return std::nullopt;
  }
  if (!inputs_.answer(responses)) {
    return job_effects{};  // Some requests are still unanswered.
  }
  intended_ = job_state::running;
  return job_effects{.write = true};
}

job_effects job_machine::written(const job_record& written) {
  if (settled_) {
    return {};
  }
  // Live progress reported while the write was on its way is kept.
  auto progress = std::max(visible_.progress, written.progress);
  auto total = visible_.total ? visible_.total : written.total;
  visible_ = written;
  visible_.progress = progress;
  visible_.total = total;
  if (is_final(written.state)) {
    settled_ = true;
    return {.settle = true};
  }
  // Created, or every input answered: the next round runs once the job says "running".
  if (written.state == job_state::running && intended_ == job_state::running && !round_running_) {
    return {.run_round = true};
  }
  return {};
}

job_effects job_machine::write_failed(const job_record& failed, std::string_view why) {
  if (settled_ || !is_final(failed.state)) {
    return {};  // A live state that did not stick: the next write carries the job on.
  }
  if (substituted_) {
    settled_ = true;
    lost_ =
        make_error(rpc_code::internal_error,
                   "Internal error: the task's outcome could not be recorded: " + std::string(why));
    return {.settle = true};
  }
  // A full disk (jobs.maxStoreMb): record a small failure in its place if that still fits,
  // and end the job either way, so nobody waits forever.
  substituted_ = true;
  intended_ = job_state::failed;
  outcome_message_ = "the outcome could not be recorded: " + std::string(why);
  outcome_result_ = error_object(
      make_error(rpc_code::internal_error, "Internal error: the task's " + outcome_message_));
  return {.write = true};
}

}  // namespace mcprt::actors::jobs
