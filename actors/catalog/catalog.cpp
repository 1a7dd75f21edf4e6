// Tool registration, schema compilation (once per tool) and argument validation with
// RapidJSON's validator. RapidJSON enforces draft-04 keywords; docs/plugins.md lists which
// 2020-12 keywords that covers.
#include "actors/catalog/catalog.hpp"

#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>

#include <algorithm>

#include "actors/catalog/header_params.hpp"
#include "actors/catalog/schema_dialect.hpp"
#include "runtime/codec/json.hpp"
#include "runtime/codec/json_parse.hpp"

namespace mcprt::actors::catalog {

namespace {

struct compiled_schema {
  rapidjson::Document source;     // As served.
  rapidjson::Document validated;  // Rewritten to draft-04 for RapidJSON.
  std::unique_ptr<rapidjson::SchemaDocument> schema;
};

std::string pointer_text(const rapidjson::Pointer& p) {
  rapidjson::StringBuffer sb;
  p.Stringify(sb);
  std::string s(sb.GetString(), sb.GetSize());
  return s.empty() ? "/" : s;
}

// Names the fields a `required` or `additionalProperties` failure is about, which
// RapidJSON 1.1 does not report itself.
std::string offending_members(const std::string& keyword, const rapidjson::Value* schema,
                              const rapidjson::Value* instance) {
  if (schema == nullptr || instance == nullptr || !instance->IsObject() || !schema->IsObject()) {
    return {};
  }
  std::string names;
  auto add = [&names](std::string_view n) {
    names += names.empty() ? "" : ", ";
    names += "'" + std::string(n) + "'";
  };
  if (keyword == "required") {
    if (auto* req = find_member(*schema, "required"); req != nullptr && req->IsArray()) {
      for (auto& r : req->GetArray()) {
        if (r.IsString() && find_member(*instance, r.GetString()) == nullptr) {
          add(r.GetString());
        }
      }
    }
  } else if (keyword == "additionalProperties") {
    auto* props = find_member(*schema, "properties");
    for (auto& m : instance->GetObject()) {
      std::string_view n(m.name.GetString(), m.name.GetStringLength());
      if (props == nullptr || find_member(*props, n) == nullptr) {
        add(n);
      }
    }
  }
  return names;
}

}  // namespace

bool valid_tool_name(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '/' || c == '-';
  });
}

const catalog_tool* catalog::find(std::string_view name) const {
  auto it = std::lower_bound(
      tools_.begin(), tools_.end(), name,
      [](const catalog_tool& t, std::string_view n) { return t.definition.name < n; });
  return it != tools_.end() && it->definition.name == name ? &*it : nullptr;
}

size_t catalog::upper_bound(std::string_view name) const {
  auto it = std::upper_bound(
      tools_.begin(), tools_.end(), name,
      [](std::string_view n, const catalog_tool& t) { return n < t.definition.name; });
  return static_cast<size_t>(it - tools_.begin());
}

std::optional<validation_error> catalog::validate(const catalog_tool& tool,
                                                  const rapidjson::Value* arguments) const {
  auto* compiled = static_cast<const compiled_schema*>(tool.schema.get());
  rapidjson::Value empty(rapidjson::kObjectType);
  const rapidjson::Value& instance = arguments != nullptr ? *arguments : empty;
  rapidjson::SchemaValidator validator(*compiled->schema);
  if (instance.Accept(validator)) {
    return std::nullopt;
  }
  std::string keyword = validator.GetInvalidSchemaKeyword();
  auto doc_ptr = validator.GetInvalidDocumentPointer();
  auto schema_ptr = validator.GetInvalidSchemaPointer();
  std::string where = pointer_text(doc_ptr);
  // `additionalProperties: false` beside patternProperties is validated as {"not": {}} (see
  // schema_dialect): report it as what it is.
  if (keyword == "not" && schema_ptr.GetTokenCount() > 0) {
    const auto& last = schema_ptr.GetTokens()[schema_ptr.GetTokenCount() - 1];
    if (std::string_view(last.name, last.length) == "additionalProperties") {
      keyword = "additionalProperties";
    }
  }
  auto* bad_schema = schema_ptr.Get(compiled->validated);
  auto* bad_value = doc_ptr.Get(instance);
  std::string msg = "Invalid arguments for tool '" + tool.definition.name + "': ";
  if (keyword == "required") {
    msg += "missing required field " + offending_members(keyword, bad_schema, bad_value) +
           (where == "/" ? "" : " in " + where);
  } else if (keyword == "additionalProperties") {
    // RapidJSON points at the unexpected member itself.
    auto slash = where.rfind('/');
    auto parent = slash == 0 ? std::string("/") : where.substr(0, slash);
    msg += "unexpected field '" + where.substr(slash + 1) + "'" +
           (parent == "/" ? "" : " in " + parent);
  } else {
    msg += "field " + where + " fails '" + keyword + "'";
    if (bad_schema != nullptr) {
      if (auto* expected = find_member(*bad_schema, keyword)) {
        msg += " (expected " + to_json(*expected) + ")";
      }
    }
  }
  return msg;
}

catalog_builder::catalog_builder(const catalog& from)
    : tools_(from.tools_),
      resources_(from.resources_),
      templates_(from.templates_),
      prompts_(from.prompts_),
      methods_(from.methods_) {}

bool catalog_builder::remove_tool(std::string_view name) {
  return std::erase_if(tools_, [&](const catalog_tool& t) { return t.definition.name == name; }) >
         0;
}

bool catalog_builder::remove_resource(std::string_view uri) {
  return std::erase_if(resources_,
                       [&](const catalog_resource& r) { return r.definition.uri == uri; }) > 0;
}

bool catalog_builder::remove_template(std::string_view uri_template) {
  return std::erase_if(templates_, [&](const catalog_template& t) {
           return t.definition.uri_template == uri_template;
         }) > 0;
}

bool catalog_builder::remove_prompt(std::string_view name) {
  return std::erase_if(prompts_,
                       [&](const catalog_prompt& p) { return p.definition.name == name; }) > 0;
}

caf::error catalog_builder::add(tool_definition definition, tool_actor handler,
                                tool_handler inline_handler, runner_actor steps) {
  if (!valid_tool_name(definition.name)) {
    return caf::make_error(caf::sec::invalid_argument,
                           "invalid tool name '" + definition.name + "'");
  }
  for (auto& t : tools_) {
    if (t.definition.name == definition.name) {
      return caf::make_error(caf::sec::invalid_argument,
                             "duplicate tool name '" + definition.name + "'");
    }
  }
  auto compiled = std::make_shared<compiled_schema>();
  if (parse_json(compiled->source, definition.input_schema) || !compiled->source.IsObject()) {
    return caf::make_error(caf::sec::invalid_argument,
                           "tool '" + definition.name + "': inputSchema is not a JSON object");
  }
  auto header_params = header_params_of(compiled->source);
  if (auto* why = std::get_if<std::string>(&header_params)) {
    return caf::make_error(caf::sec::invalid_argument,
                           "tool '" + definition.name + "': inputSchema: " + *why);
  }
  compiled->validated.CopyFrom(compiled->source, compiled->validated.GetAllocator());
  if (auto why = prepare_for_rapidjson(compiled->validated, compiled->validated.GetAllocator());
      !why.empty()) {
    return caf::make_error(caf::sec::invalid_argument,
                           "tool '" + definition.name + "': inputSchema: " + why);
  }
  compiled->schema = std::make_unique<rapidjson::SchemaDocument>(compiled->validated);
  // The listing: the definition as served, schemas verbatim.
  std::string json = R"({"name":)" + quote(definition.name);
  if (!definition.title.empty()) {
    json += R"(,"title":)" + quote(definition.title);
  }
  if (!definition.description.empty()) {
    json += R"(,"description":)" + quote(definition.description);
  }
  json += R"(,"inputSchema":)" + to_json(compiled->source);
  if (!definition.output_schema.empty()) {
    rapidjson::Document out;
    if (parse_json(out, definition.output_schema) || !out.IsObject()) {
      return caf::make_error(caf::sec::invalid_argument,
                             "tool '" + definition.name + "': outputSchema is not a JSON object");
    }
    json += R"(,"outputSchema":)" + to_json(out);
  }
  if (!definition.annotations.empty()) {
    json += R"(,"annotations":)" + definition.annotations;
  }
  if (definition.task_support != task_support::forbidden) {
    json += definition.task_support == task_support::required
                ? R"(,"execution":{"taskSupport":"required"})"
                : R"(,"execution":{"taskSupport":"optional"})";
  }
  json += '}';
  tools_.push_back(catalog_tool{std::move(definition), std::move(json), std::move(compiled),
                                std::move(handler), std::move(inline_handler), std::move(steps),
                                std::get<std::vector<header_param>>(std::move(header_params))});
  return caf::none;
}

namespace {

template <class Entries, class Served>
bool erase_served(Entries& entries, const std::vector<caf::actor_addr>& actors, Served served) {
  return std::erase_if(entries, [&](const auto& e) {
           return std::find(actors.begin(), actors.end(), served(e).address()) != actors.end();
         }) > 0;
}

void note_change(std::vector<std::string>& changed, const char* list) {
  if (std::find(changed.begin(), changed.end(), list) == changed.end()) {
    changed.emplace_back(list);
  }
}

}  // namespace

std::vector<std::string> catalog_builder::remove_served_by(
    const std::vector<caf::actor_addr>& actors) {
  std::vector<std::string> changed;
  if (erase_served(tools_, actors, [](const catalog_tool& t) { return t.handler; })) {
    note_change(changed, "tools");
  }
  bool resources =
      erase_served(resources_, actors, [](const catalog_resource& r) { return r.runner; });
  resources |= erase_served(templates_, actors, [](const catalog_template& t) { return t.runner; });
  if (resources) {
    note_change(changed, "resources");
  }
  if (erase_served(prompts_, actors, [](const catalog_prompt& p) { return p.runner; })) {
    note_change(changed, "prompts");
  }
  // Methods have no list to announce.
  erase_served(methods_, actors, [](const catalog_method& m) { return m.runner; });
  return changed;
}

namespace {

// The first key of `theirs` that `mine` already holds, by `key`.
template <class Entries, class Key>
std::optional<std::string> first_clash(const Entries& mine, const Entries& theirs, Key key) {
  for (const auto& t : theirs) {
    if (std::any_of(mine.begin(), mine.end(), [&](const auto& m) { return key(m) == key(t); })) {
      return std::string(key(t));
    }
  }
  return std::nullopt;
}

}  // namespace

caf::error catalog_builder::add_all(const catalog& other, std::vector<std::string>& changed) {
  auto name = [](const auto& e) -> const std::string& { return e.definition.name; };
  auto uri = [](const catalog_resource& r) -> const std::string& { return r.definition.uri; };
  auto method = [](const catalog_method& m) -> const std::string& { return m.spec.name; };
  const std::pair<const char*, std::optional<std::string>> clashes[] = {
      {"tool name", first_clash(tools_, other.tools(), name)},
      {"resource", first_clash(resources_, other.resources(), uri)},
      {"prompt", first_clash(prompts_, other.prompts(), name)},
      {"method", first_clash(methods_, other.methods_, method)},
  };
  for (const auto& [what, clash] : clashes) {
    if (clash) {
      return caf::make_error(caf::sec::invalid_argument,
                             "duplicate " + std::string(what) + " '" + *clash + "'");
    }
  }
  methods_.insert(methods_.end(), other.methods_.begin(), other.methods_.end());
  tools_.insert(tools_.end(), other.tools().begin(), other.tools().end());
  resources_.insert(resources_.end(), other.resources().begin(), other.resources().end());
  templates_.insert(templates_.end(), other.templates().begin(), other.templates().end());
  prompts_.insert(prompts_.end(), other.prompts().begin(), other.prompts().end());
  if (!other.tools().empty()) {
    note_change(changed, "tools");
  }
  if (!other.resources().empty() || !other.templates().empty()) {
    note_change(changed, "resources");
  }
  if (!other.prompts().empty()) {
    note_change(changed, "prompts");
  }
  return caf::none;
}

catalog_ptr catalog_builder::build() {
  auto c = std::make_shared<catalog>();
  c->tools_ = tools_;
  std::sort(c->tools_.begin(), c->tools_.end(), [](const catalog_tool& a, const catalog_tool& b) {
    return a.definition.name < b.definition.name;
  });
  c->resources_ = resources_;
  std::sort(c->resources_.begin(), c->resources_.end(),
            [](const auto& a, const auto& b) { return a.definition.uri < b.definition.uri; });
  c->templates_ = templates_;
  std::sort(c->templates_.begin(), c->templates_.end(),
            [](const auto& a, const auto& b) { return a.definition.name < b.definition.name; });
  c->prompts_ = prompts_;
  c->methods_ = methods_;
  std::sort(c->prompts_.begin(), c->prompts_.end(),
            [](const auto& a, const auto& b) { return a.definition.name < b.definition.name; });
  return c;
}

}  // namespace mcprt::actors::catalog
