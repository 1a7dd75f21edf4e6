// echo returns its text, add sums two numbers (with structured output), sleep answers after
// N milliseconds without holding a thread (for load and cancellation tests), count reports
// progress as fast as it can (for slow-reader tests).
#include "plugins/demo/demo.hpp"

#include <cmath>

namespace mcprt::plugins::demo {

namespace {

constexpr int64_t most_counts = 10'000'000;
constexpr int64_t counts_per_step = 1000;  // Between steps the plugin's actor serves others.

// One step of `count`: the next counts_per_step numbers as progress (and debug log messages).
void count_step(const tool_invocation& call, int64_t n, int64_t done, bool log) {
  if (call.out().cancelled()) {
    return;
  }
  auto to = std::min(n, done + counts_per_step);
  for (auto i = done + 1; i <= to; ++i) {
    call.out().progress(static_cast<double>(i), static_cast<double>(n), {});
    if (log) {
      call.out().log(log_level::debug, R"({"count":)" + std::to_string(i) + "}", "count");
    }
  }
  if (to == n) {
    tool_result r = text_result("counted to " + std::to_string(n));
    r.structured_json = R"({"count":)" + std::to_string(n) + "}";
    call.finish(r);
    return;
  }
  call.after(std::chrono::milliseconds(0), [call, n, to, log] { count_step(call, n, to, log); });
}

std::vector<tool_spec> tools(int64_t max_sleep_ms, bool inline_tools) {
  std::vector<tool_spec> out;
  out.push_back(
      {{"echo",
        "Echo",
        "Returns the given text unchanged.",
        R"({"type":"object","properties":{"text":{"type":"string","description":"Text to return"}},"required":["text"],"additionalProperties":false})",
        {},
        R"({"readOnlyHint":true,"idempotentHint":true,"openWorldHint":false})"},
       [](tool_invocation& call) {
         const auto& text = (*call.arguments())["text"];
         call.finish(text_result(std::string_view(text.GetString(), text.GetStringLength())));
       },
       inline_tools});
  out.push_back(
      {{"add", "Add", "Adds two numbers and returns the sum.",
        R"({"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"],"additionalProperties":false})",
        R"({"type":"object","properties":{"sum":{"type":"number"}},"required":["sum"]})",
        R"({"readOnlyHint":true,"idempotentHint":true,"openWorldHint":false})"},
       [](tool_invocation& call) {
         double sum = (*call.arguments())["a"].GetDouble() + (*call.arguments())["b"].GetDouble();
         if (!std::isfinite(sum)) {
           call.finish(error_result("The sum is too large for a 64-bit floating-point number"));
           return;
         }
         auto text = number_json(sum);
         tool_result r = text_result(text);
         r.structured_json = R"({"sum":)" + text + "}";
         call.finish(r);
       },
       inline_tools});
  std::string sleep_schema =
      R"({"type":"object","properties":{"ms":{"type":"integer","minimum":0,"maximum":)" +
      std::to_string(max_sleep_ms) +
      R"(,"description":"How long to wait, in milliseconds"}},"required":["ms"],"additionalProperties":false})";
  out.push_back({{"sleep",
                  "Sleep",
                  "Waits the given number of milliseconds, then answers.",
                  sleep_schema,
                  {},
                  R"({"readOnlyHint":true,"openWorldHint":false})"},
                 [](tool_invocation& call) {
                   auto ms = (*call.arguments())["ms"].GetInt64();
                   call.out().progress(0, static_cast<double>(ms), "sleeping");
                   call.after(std::chrono::milliseconds(ms), [call, ms] {
                     if (call.out().cancelled()) {
                       return;  // The client gave up; there is nothing left to do.
                     }
                     call.finish(text_result("slept " + std::to_string(ms) + " ms"));
                   });
                 }});
  out.push_back(
      {{"count", "Count",
        "Counts from 1 to n as fast as it can, reporting each number as progress (and, with log, "
        "as a debug log message); answers with n. Shows what a client that reads slower than a "
        "tool reports receives.",
        R"({"type":"object","properties":{"n":{"type":"integer","minimum":1,"maximum":)" +
            std::to_string(most_counts) +
            R"(},"log":{"type":"boolean","description":"Also send each number as a log message"}},"required":["n"],"additionalProperties":false})",
        R"({"type":"object","properties":{"count":{"type":"integer"}},"required":["count"]})",
        R"({"readOnlyHint":true,"idempotentHint":true,"openWorldHint":false})"},
       [](tool_invocation& call) {
         const auto& args = *call.arguments();
         auto* log = find_member(args, "log");
         count_step(call, args["n"].GetInt64(), 0, log != nullptr && log->IsTrue());
       }});
  return out;
}

}  // namespace

plugin descriptor() {
  plugin p;
  p.name = "demo";
  p.version = "1.0.0";
  p.status = "stable";
  p.description = "echo, add, sleep and count tools for trying mcprt and for load tests";
  p.settings = {setting_spec{"demo.maxSleepMs", setting_type::integer, int64_t{60000}, 0, 86400000,
                             "longest wait the sleep tool accepts"},
                setting_spec{"demo.inlineTools", setting_type::boolean, true, 0, 0,
                             "run echo and add inline on the I/O thread (no actor hop)"}};
  p.start = [](plugin_context& ctx) {
    return ctx.add_tools(tools(ctx.settings().integer("maxSleepMs", 60000),
                               ctx.settings().boolean("inlineTools", true)));
  };
  return p;
}

}  // namespace mcprt::plugins::demo
