// A worker's tools as catalog entries.
#include "actors/adapters/pool_tools.hpp"

#include "runtime/codec/json.hpp"
#include "runtime/codec/json_parse.hpp"

namespace mcprt::actors::adapters {

namespace {

std::string object_member_json(const rapidjson::Value& tool, const char* name) {
  auto* member = find_member(tool, name);
  return member != nullptr && member->IsObject() ? to_json(*member) : std::string();
}

}  // namespace

std::vector<tool_spec> pool_tool_specs(const rapidjson::Value& listed,
                                       const std::string& tool_prefix, task_support default_tasks,
                                       const pool_call_fn& call) {
  std::vector<tool_spec> specs;
  if (!listed.IsArray()) {
    return specs;
  }
  for (const auto& t : listed.GetArray()) {
    auto name = t.IsObject() ? string_member(t, "name") : std::nullopt;
    if (!name) {
      continue;
    }
    tool_spec spec;
    spec.definition.name = tool_prefix + std::string(*name);
    spec.definition.title = std::string(string_member(t, "title").value_or(""));
    spec.definition.description = std::string(string_member(t, "description").value_or(""));
    if (auto in = object_member_json(t, "inputSchema"); !in.empty()) {
      spec.definition.input_schema = std::move(in);
    }
    spec.definition.output_schema = object_member_json(t, "outputSchema");
    spec.definition.annotations = object_member_json(t, "annotations");
    // The worker's own execution.taskSupport wins over the adapter's default.
    spec.definition.task_support = default_tasks;
    auto* execution = find_member(t, "execution");
    auto support = execution != nullptr ? string_member(*execution, "taskSupport") : std::nullopt;
    if (support) {
      spec.definition.task_support = *support == "required"   ? task_support::required
                                     : *support == "optional" ? task_support::optional
                                                              : task_support::forbidden;
    }
    spec.inline_safe = true;  // The call is one message to the pool's actor.
    spec.handler = [call, worker_tool = std::string(*name)](tool_invocation& inv) {
      call(worker_tool, inv.arguments(), inv.out());
    };
    specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace mcprt::actors::adapters
