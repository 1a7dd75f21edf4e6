// Fixtures of the 0.2 suite's tasks scenarios (SEP-2663): a sync tool, task-supporting tools
// that sleep, fail, break, or wait for the client's input, and one that gathers input over
// MRTR rounds before it becomes a task. Values follow the scenario texts.
#include "plugins/conformance/conformance.hpp"
#include "plugins/conformance/fixture_json.hpp"

namespace mcprt::plugins::conformance {

namespace {

constexpr std::string_view no_arguments = R"({"type":"object","properties":{}})";

std::string string_argument(const tool_invocation& c, std::string_view name,
                            std::string_view fallback) {
  auto v = c.arguments() ? string_member(*c.arguments(), name) : std::nullopt;
  return std::string(v.value_or(fallback));
}

// True when the elicitation result accepted with `content.confirm` true.
bool confirmed(const rapidjson::Value* r) {
  auto action = r != nullptr ? string_member(*r, "action") : std::nullopt;
  auto* content = r != nullptr ? find_member(*r, "content") : nullptr;
  auto* confirm = content != nullptr ? find_member(*content, "confirm") : nullptr;
  return action && *action == "accept" && confirm != nullptr && confirm->IsBool() &&
         confirm->GetBool();
}

std::string confirm_request(std::string_view message) {
  return R"({"method":"elicitation/create","params":{"message":)" + quote(message) +
         R"(,"requestedSchema":{"type":"object","properties":{"confirm":{"type":"boolean"}},)"
         R"("required":["confirm"]}}})";
}

}  // namespace

std::vector<tool_spec> task_tools() {
  std::vector<tool_spec> t;
  // Counts its runs, so a test can tell a retried call that ran again from one that did not.
  t.push_back({make_tool("count_runs", "Returns how often it has run in this process",
                         std::string(no_arguments), task_support::optional),
               [runs = std::make_shared<int>(0)](tool_invocation& c) {
                 c.finish(text_result("run " + std::to_string(++*runs)));
               }});
  t.push_back({make_tool("greet", "Says hello (sync only)",
                         R"({"type":"object","properties":{"name":{"type":"string"}},)"
                         R"("required":["name"]})",
                         task_support::forbidden),
               [](tool_invocation& c) {
                 c.finish(text_result("Hello, " + string_argument(c, "name", "World") + "!"));
               }});
  t.push_back({make_tool("slow_compute", "Sleeps `seconds` seconds, then answers",
                         R"({"type":"object","properties":{"seconds":{"type":"number"},)"
                         R"("label":{"type":"string"}}})",
                         task_support::optional),
               [](tool_invocation& c) {
                 auto* s = c.arguments() ? find_member(*c.arguments(), "seconds") : nullptr;
                 double seconds = s != nullptr && s->IsNumber() ? s->GetDouble() : 1;
                 auto label = string_argument(c, "label", "slow_compute");
                 auto done = [c, label, seconds] {
                   c.finish(text_result("Computed " + label + " after " +
                                        std::to_string(static_cast<int>(seconds)) + "s"));
                 };
                 c.after(std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)), done);
               }});
  t.push_back({make_tool("failing_job", "Reports a tool execution error after about a second",
                         std::string(no_arguments), task_support::required),
               [](tool_invocation& c) {
                 c.after(std::chrono::milliseconds(1000),
                         [c] { c.finish(error_result("failing_job failed as designed")); });
               }});
  t.push_back({make_tool("protocol_error_job", "Fails with a protocol (JSON-RPC) error",
                         std::string(no_arguments), task_support::optional),
               [](tool_invocation& c) {
                 c.after(std::chrono::milliseconds(200), [c] {
                   c.out().error(make_error(rpc_code::internal_error,
                                            "Internal error: protocol_error_job broke on purpose"));
                 });
               }});
  t.push_back(
      {make_tool("confirm_delete", "Asks the client to confirm, then deletes (pretend)",
                 R"({"type":"object","properties":{"filename":{"type":"string"}}})",
                 task_support::optional),
       [](tool_invocation& c) {
         auto file = string_argument(c, "filename", "file.txt");
         if (auto* r = response(c, "confirm")) {
           c.finish(text_result(confirmed(r) ? "Deleted " + file : "Kept " + file));
           return;
         }
         c.input_required(object_of({{"confirm", confirm_request("Delete " + file + "?")}}));
       }});
  t.push_back({make_tool("multi_input", "Asks two questions at once", std::string(no_arguments),
                         task_support::optional),
               [](tool_invocation& c) {
                 auto *name = response(c, "name"), *confirm = response(c, "confirm");
                 if (name != nullptr && confirm != nullptr) {
                   c.finish(text_result("Name: " + elicited(name, "name") +
                                        (confirmed(confirm) ? "; confirmed" : "; not confirmed")));
                   return;
                 }
                 c.input_required(object_of({{"name", elicit_request("What is your name?", "name")},
                                             {"confirm", confirm_request("Go ahead?")}}));
               }});
  auto escalating =
      make_tool("test_tool_with_task", "Asks for user_name over MRTR, then finishes as a task",
                std::string(no_arguments), task_support::required);
  escalating.task_start = task_start::by_handler;
  t.push_back({std::move(escalating), [](tool_invocation& c) {
                 auto* r = response(c, "user_name");
                 if (r == nullptr) {
                   c.input_required(
                       object_of({{"user_name", elicit_request("What is your name?", "name")}}));
                   return;
                 }
                 auto body = [](tool_invocation& task) {
                   auto name = elicited(response(task, "user_name"), "name");
                   task.after(std::chrono::milliseconds(300), [task, name] {
                     task.finish(text_result("Hello, " + name + "! (finished as a task)"));
                   });
                 };
                 if (!c.run_as_task(body)) {
                   body(c);
                 }
               }});
  return t;
}

}  // namespace mcprt::plugins::conformance
