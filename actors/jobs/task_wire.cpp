// Task objects as JSON text, built from stored records without re-parsing their results.
#include "actors/jobs/task_wire.hpp"

#include <ctime>

#include "runtime/codec/json.hpp"
#include "runtime/codec/json_parse.hpp"

namespace mcprt::actors::jobs {

std::string iso8601(int64_t unix_ms) {
  auto secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(unix_ms % 1000));
  return buf;
}

bool is_tool_error(const std::string& result_json) {
  rapidjson::Document d;
  (void)parse_json(d, result_json);  // Unparsable: null, so not an error result.
  auto* e = d.IsObject() ? find_member(d, "isError") : nullptr;
  return e != nullptr && e->IsBool() && e->GetBool();
}

std::string_view task_status(const job_record& r, era e) {
  switch (r.state) {
    case job_state::queued:
    case job_state::running:
      return "working";
    case job_state::input_required:
      return "input_required";
    case job_state::completed:
      return e == era::legacy && is_tool_error(r.result_json) ? "failed" : "completed";
    case job_state::cancelled:
      return "cancelled";
    case job_state::failed:
    case job_state::expired:
      return "failed";
  }
  return "failed";
}

std::string task_json(const task_view& view, era e, int64_t poll_interval_ms, bool detailed) {
  const auto& r = view.record;
  bool modern = e == era::modern;
  auto status = task_status(r, e);
  std::string out = R"({"taskId":)" + quote(r.id) + R"(,"status":)" + quote(status);
  if (!r.message.empty()) {
    out += R"(,"statusMessage":)" + quote(r.message);
  }
  out += R"(,"createdAt":)" + quote(iso8601(r.created_ms));
  out += R"(,"lastUpdatedAt":)" + quote(iso8601(r.updated_ms));
  out += modern ? R"(,"ttlMs":)" : R"(,"ttl":)";
  out += r.ttl_ms > 0 ? std::to_string(r.ttl_ms) : "null";
  if (!is_final(r.state)) {
    out += modern ? R"(,"pollIntervalMs":)" : R"(,"pollInterval":)";
    out += std::to_string(poll_interval_ms);
  }
  if (detailed) {
    if (r.state == job_state::completed && !r.result_json.empty()) {
      out += R"(,"result":)" + r.result_json;
    } else if ((r.state == job_state::failed || r.state == job_state::expired) &&
               !r.result_json.empty()) {
      out += R"(,"error":)" + r.result_json;
    } else if (r.state == job_state::input_required && !view.input_requests.empty()) {
      out += R"(,"inputRequests":)" + view.input_requests;
    }
  }
  return out + "}";
}

}  // namespace mcprt::actors::jobs
