// A worker's tools, prompts, resources and resource templates as catalog entries whose
// handlers forward to the pool.
#include "actors/adapters/pool_tools.hpp"

#include <map>

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
      call("tools/call", worker_tool, inv.arguments(), inv.out());
    };
    specs.push_back(std::move(spec));
  }
  return specs;
}

namespace {

std::string text_member(const rapidjson::Value& v, const char* name) {
  return std::string(string_member(v, name).value_or(""));
}

// A prompts/get forwarded whole: mcprt checked the required arguments against the listing.
json_ref arguments_object(const std::map<std::string, std::string>& arguments) {
  auto doc = std::make_shared<rapidjson::Document>(rapidjson::kObjectType);
  auto& a = doc->GetAllocator();
  for (const auto& [k, v] : arguments) {
    doc->AddMember(rapidjson::Value(k.c_str(), a), rapidjson::Value(v.c_str(), a), a);
  }
  return json_ref(doc, doc.get());
}

}  // namespace

std::vector<prompt_spec> pool_prompt_specs(const rapidjson::Value& listed,
                                           const std::string& prefix, const pool_call_fn& call) {
  std::vector<prompt_spec> specs;
  if (!listed.IsArray()) {
    return specs;
  }
  for (const auto& p : listed.GetArray()) {
    auto name = p.IsObject() ? string_member(p, "name") : std::nullopt;
    if (!name) {
      continue;
    }
    prompt_spec spec;
    spec.definition.name = prefix + std::string(*name);
    spec.definition.title = text_member(p, "title");
    spec.definition.description = text_member(p, "description");
    if (auto* args = find_member(p, "arguments"); args != nullptr && args->IsArray()) {
      for (const auto& a : args->GetArray()) {
        auto arg = a.IsObject() ? string_member(a, "name") : std::nullopt;
        if (!arg) {
          continue;
        }
        auto* required = find_member(a, "required");
        spec.definition.arguments.push_back(
            {std::string(*arg), text_member(a, "description"),
             required != nullptr && required->IsBool() && required->GetBool()});
      }
    }
    spec.handler = [call, worker_prompt = std::string(*name)](prompt_request& r) {
      call("prompts/get", worker_prompt, arguments_object(r.arguments()), r.out());
    };
    specs.push_back(std::move(spec));
  }
  return specs;
}

namespace {

// Resources and templates alike: `key` names the member that identifies one (uri,
// uriTemplate), `Definition::*id` where it goes; a missing name is the identifier.
template <class Spec>
std::vector<Spec> pool_resource_like(const rapidjson::Value& listed, const char* key,
                                     std::string decltype(Spec::definition)::*id,
                                     const pool_call_fn& call) {
  std::vector<Spec> specs;
  if (!listed.IsArray()) {
    return specs;
  }
  for (const auto& r : listed.GetArray()) {
    auto identifier = r.IsObject() ? string_member(r, key) : std::nullopt;
    if (!identifier || identifier->empty()) {
      continue;
    }
    Spec spec;
    auto& d = spec.definition;
    d.*id = std::string(*identifier);
    d.name = text_member(r, "name");
    if (d.name.empty()) {
      d.name = d.*id;
    }
    d.title = text_member(r, "title");
    d.description = text_member(r, "description");
    d.mime_type = text_member(r, "mimeType");
    spec.reader = [call](resource_request& req) {
      call("resources/read", req.uri(), json_ref(), req.out());
    };
    specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace

std::vector<resource_spec> pool_resource_specs(const rapidjson::Value& listed,
                                               const pool_call_fn& call) {
  return pool_resource_like<resource_spec>(listed, "uri", &resource_definition::uri, call);
}

std::vector<resource_template_spec> pool_template_specs(const rapidjson::Value& listed,
                                                        const pool_call_fn& call) {
  return pool_resource_like<resource_template_spec>(
      listed, "uriTemplate", &resource_template_definition::uri_template, call);
}

}  // namespace mcprt::actors::adapters
