// How jobs look on the wire as tasks, in both eras.
#include "actors/jobs/task_wire.hpp"

#include <catch2/catch.hpp>

using namespace mcprt;
using namespace mcprt::actors::jobs;

namespace {
task_view view_of(job_state state, std::string result = {}) {
  task_view v;
  v.record.id = "abc";
  v.record.state = state;
  v.record.created_ms = 1764067800123;  // 2025-11-25T10:50:00.123Z
  v.record.updated_ms = 1764067800123;
  v.record.ttl_ms = 60000;
  v.record.result_json = std::move(result);
  return v;
}
}  // namespace

TEST_CASE("task times are ISO 8601 UTC with milliseconds", "[task_wire]") {
  CHECK(iso8601(1764067800123) == "2025-11-25T10:50:00.123Z");
  CHECK(iso8601(0) == "1970-01-01T00:00:00.000Z");
}

TEST_CASE("a tool error is failed in 2025-11-25 and completed in 2026-07-28", "[task_wire]") {
  auto v = view_of(job_state::completed, R"({"content":[],"isError":true})");
  CHECK(task_status(v.record, era::legacy) == "failed");
  CHECK(task_status(v.record, era::modern) == "completed");
  CHECK(task_status(view_of(job_state::running).record, era::modern) == "working");
  CHECK(task_status(view_of(job_state::expired).record, era::legacy) == "failed");
  CHECK(task_status(view_of(job_state::input_required).record, era::modern) == "input_required");
}

TEST_CASE("2025 tasks say ttl and pollInterval, 2026 ttlMs and pollIntervalMs", "[task_wire]") {
  auto running = view_of(job_state::running);
  CHECK(task_json(running, era::legacy, 500, false) ==
        R"({"taskId":"abc","status":"working","createdAt":"2025-11-25T10:50:00.123Z",)"
        R"("lastUpdatedAt":"2025-11-25T10:50:00.123Z","ttl":60000,"pollInterval":500})");
  auto modern = task_json(running, era::modern, 500, false);
  CHECK(modern.find(R"("ttlMs":60000,"pollIntervalMs":500)") != std::string::npos);
  // A finished task suggests no more polling.
  CHECK(task_json(view_of(job_state::cancelled), era::modern, 500, false).find("pollInterval") ==
        std::string::npos);
}

TEST_CASE("2026 tasks/get inlines the result, the error or the pending input", "[task_wire]") {
  auto done = view_of(job_state::completed, R"({"content":[{"type":"text","text":"4"}]})");
  CHECK(task_json(done, era::modern, 1, true).find(R"("result":{"content")") != std::string::npos);
  auto failed = view_of(job_state::failed, R"({"code":-32603,"message":"broke"})");
  auto f = task_json(failed, era::modern, 1, true);
  CHECK(f.find(R"("error":{"code":-32603)") != std::string::npos);
  CHECK(f.find(R"("result")") == std::string::npos);
  auto waiting = view_of(job_state::input_required);
  waiting.input_requests = R"({"k":{"method":"elicitation/create"}})";
  CHECK(task_json(waiting, era::modern, 1, true).find(R"("inputRequests":{"k")") !=
        std::string::npos);
  CHECK(task_json(waiting, era::modern, 1, false).find("inputRequests") == std::string::npos);
}
