// A job's life as a pure state machine: each transition, the record readers see, and what
// the job's actor is told to do, with no store, actor or clock.
#include "actors/jobs/job_machine.hpp"

#include <catch2/catch.hpp>

#include "runtime/codec/json_parse.hpp"

using namespace mcprt;
using namespace mcprt::actors::jobs;

namespace {

job_machine created_job() {
  job_record r;
  r.id = "j1";
  r.tool = "slow";
  r.state = job_state::running;
  r.created_ms = r.updated_ms = 100;
  return job_machine(r);
}

// Writes the intended state and reports it durable, as the store would.
job_effects commit(job_machine& m, int64_t now = 200) {
  return m.written(m.to_write(now));
}

rapidjson::Document json(const char* text) {
  rapidjson::Document d;
  REQUIRE_FALSE(parse_json(d, text));
  return d;
}

round_answer result(std::string object) {
  return {round_answer::kind::result, std::move(object), {}, {}, {}};
}

round_answer asks(std::string requests, std::string state) {
  return {round_answer::kind::input_required, {}, std::move(requests), std::move(state), {}};
}

}  // namespace

TEST_CASE("a created job runs its first round once it is durable", "[actors][jobs][job_state]") {
  auto m = created_job();
  CHECK(m.intended() == job_state::running);
  auto first = commit(m);
  CHECK(first.run_round);
  CHECK_FALSE(first.write);
  auto start = m.begin_round();
  CHECK(start.number == 1);
  CHECK(start.answers_json.empty());
  CHECK(start.request_state.empty());
  CHECK(m.visible().updated_ms == 200);
}

TEST_CASE("a round's result completes the job once written", "[actors][jobs][job_state]") {
  auto m = created_job();
  commit(m);
  auto round = m.begin_round().number;
  m.progress(3, 10, "three of ten");
  CHECK(m.visible().progress == 3);
  CHECK(m.visible().message == "three of ten");

  auto ended = m.round_ended(round, result(R"({"content":[]})"));
  CHECK(ended.write);
  CHECK_FALSE(ended.cancel_round);
  CHECK(m.intended() == job_state::completed);
  // Readers still see "running" until the store says the outcome is durable.
  CHECK(m.visible().state == job_state::running);
  auto record = m.to_write(300);
  CHECK(record.state == job_state::completed);
  CHECK(record.result_json == R"({"content":[]})");
  CHECK(record.progress == 3);

  auto done = m.written(record);
  CHECK(done.settle);
  CHECK(m.settled());
  CHECK(m.visible().state == job_state::completed);
  CHECK(m.visible().total == 10);
}

TEST_CASE("a round's error fails the job with its JSON-RPC error", "[actors][jobs][job_state]") {
  auto m = created_job();
  commit(m);
  auto round = m.begin_round().number;
  round_answer failed{round_answer::kind::error, {}, {}, {}, {}};
  failed.error = make_error(rpc_code::invalid_params, "bad n");
  CHECK(m.round_ended(round, failed).write);
  auto record = m.to_write(300);
  CHECK(record.state == job_state::failed);
  CHECK(record.message == "bad n");
  CHECK(record.result_json == R"({"code":-32602,"message":"bad n"})");
}

TEST_CASE("input rounds wait for every answer, then run the next round",
          "[actors][jobs][job_state]") {
  auto m = created_job();
  commit(m);
  auto round = m.begin_round().number;

  // No input is awaited while the round runs.
  CHECK_FALSE(m.answer(json(R"({"name":{}})")).has_value());

  CHECK(m.round_ended(round, asks(R"({"name":{"method":"elicitation/create"},)"
                                  R"("ok":{"method":"elicitation/create"}})",
                                  "cursor-1"))
            .write);
  CHECK(m.intended() == job_state::input_required);
  auto waiting = commit(m);
  CHECK_FALSE(waiting.run_round);
  CHECK(m.visible().state == job_state::input_required);
  CHECK(m.pending_inputs() == R"({"name":{"method":"elicitation/create"},)"
                              R"("ok":{"method":"elicitation/create"}})");

  auto partial = m.answer(json(R"({"name":{"action":"accept"}})"));
  REQUIRE(partial.has_value());
  CHECK_FALSE(partial->write);
  CHECK(m.intended() == job_state::input_required);

  auto all = m.answer(json(R"({"ok":{"action":"decline"}})"));
  REQUIRE(all.has_value());
  CHECK(all->write);
  CHECK(m.intended() == job_state::running);
  // The next round runs only once "running" is durable.
  CHECK(commit(m).run_round);
  auto next = m.begin_round();
  CHECK(next.number == 2);
  CHECK(next.answers_json == R"({"name":{"action":"accept"},"ok":{"action":"decline"}})");
  CHECK(next.request_state == "cursor-1");
  CHECK(m.pending_inputs().empty());
}

TEST_CASE("cancel stops the round, a late result changes nothing", "[actors][jobs][job_state]") {
  auto m = created_job();
  commit(m);
  auto round = m.begin_round().number;

  auto cancelled =
      m.end(job_state::cancelled, R"({"code":-32603,"message":"cancelled"})", "cancelled");
  CHECK(cancelled.cancel_round);
  CHECK(cancelled.write);
  // A second cancel, a timeout or the round's own late answer: nothing more happens.
  CHECK_FALSE(m.end(job_state::cancelled, "{}", "again").write);
  CHECK_FALSE(m.end(job_state::expired, "{}", "timeout").write);
  CHECK_FALSE(m.round_ended(round, result("{}")).write);
  CHECK(m.intended() == job_state::cancelled);

  CHECK(commit(m).settle);
  CHECK(m.visible().state == job_state::cancelled);
  CHECK(m.visible().message == "cancelled");
  // Settled: even a repeated durability report changes nothing.
  CHECK_FALSE(m.written(m.to_write(400)).settle);
}

TEST_CASE("a round that is not the current one is ignored", "[actors][jobs][job_state]") {
  auto m = created_job();
  commit(m);
  auto first = m.begin_round().number;
  CHECK(m.round_ended(first, asks(R"({"a":{}})", "")).write);
  commit(m);
  CHECK(m.answer(json(R"({"a":1})"))->write);
  commit(m);
  m.begin_round();
  // Round 1 answering twice (a buggy handler) cannot end round 2.
  CHECK_FALSE(m.round_ended(first, result("{}")).write);
  CHECK(m.intended() == job_state::running);
}

TEST_CASE("cancel while an input write is on its way ends cancelled", "[actors][jobs][job_state]") {
  auto m = created_job();
  commit(m);
  auto round = m.begin_round().number;
  m.round_ended(round, asks(R"({"a":{}})", ""));
  auto input_write = m.to_write(200);
  m.end(job_state::cancelled, "{}", "cancelled by request");
  auto cancel_write = m.to_write(201);
  // The writes become durable in order: input_required first, then the cancellation.
  auto first = m.written(input_write);
  CHECK_FALSE(first.settle);
  CHECK_FALSE(first.run_round);
  CHECK(m.written(cancel_write).settle);
  CHECK(m.visible().state == job_state::cancelled);
}

TEST_CASE("answers racing a timeout do not start another round", "[actors][jobs][job_state]") {
  auto m = created_job();
  commit(m);
  m.round_ended(m.begin_round().number, asks(R"({"a":{}})", ""));
  commit(m);
  m.answer(json(R"({"a":1})"));
  auto running = m.to_write(300);
  CHECK(m.end(job_state::expired, "{}", "timed out").cancel_round);
  CHECK_FALSE(m.written(running).run_round);
  CHECK(m.written(m.to_write(301)).settle);
  CHECK(m.visible().state == job_state::expired);
}

TEST_CASE("an outcome that cannot be written becomes a recorded failure",
          "[actors][jobs][job_state]") {
  auto m = created_job();
  commit(m);
  m.round_ended(m.begin_round().number, result(R"({"big":true})"));
  auto outcome = m.to_write(300);

  // A live state that fails to write is carried by the next write.
  CHECK_FALSE(m.write_failed(m.visible(), "disk full").write);

  auto substitute = m.write_failed(outcome, "disk full");
  CHECK(substitute.write);
  auto record = m.to_write(301);
  CHECK(record.state == job_state::failed);
  CHECK(record.message == "the outcome could not be recorded: disk full");
  CHECK(record.result_json.find("-32603") != std::string::npos);
  CHECK(m.written(record).settle);
  CHECK_FALSE(m.lost());
}

TEST_CASE("when even the failure cannot be written, the job settles as lost",
          "[actors][jobs][job_state]") {
  auto m = created_job();
  commit(m);
  m.round_ended(m.begin_round().number, result("{}"));
  m.write_failed(m.to_write(300), "disk full");
  auto gave_up = m.write_failed(m.to_write(301), "still full");
  CHECK(gave_up.settle);
  CHECK(m.settled());
  REQUIRE(m.lost());
  CHECK(m.lost()->code == rpc_code::internal_error);
  CHECK(m.lost()->message.find("still full") != std::string::npos);
  // Readers keep the last durable record.
  CHECK(m.visible().state == job_state::running);
}

TEST_CASE("progress after the job ends is ignored", "[actors][jobs][job_state]") {
  auto m = created_job();
  commit(m);
  m.begin_round();
  m.progress(1, std::nullopt, "");
  m.end(job_state::expired, "{}", "timed out");
  m.progress(9, 9, "late");
  CHECK(m.visible().progress == 1);
  CHECK_FALSE(m.visible().total);
}
