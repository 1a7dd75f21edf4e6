// The catalog's resources, resource templates and prompts: registration, listings as served,
// and lookups. Tools live in catalog.cpp.
#include <algorithm>

#include "actors/catalog/catalog.hpp"
#include "runtime/codec/json.hpp"

namespace mcprt::actors::catalog {

namespace {

caf::error invalid(std::string what) {
  return caf::make_error(caf::sec::invalid_argument, std::move(what));
}

// `"key":"value"` for each non-empty optional field.
void optional_member(std::string& json, std::string_view key, const std::string& value) {
  if (!value.empty()) {
    json += ",";
    json += quote(key);
    json += ":" + quote(value);
  }
}

}  // namespace

const catalog_resource* catalog::find_resource(std::string_view uri) const {
  auto it = std::lower_bound(
      resources_.begin(), resources_.end(), uri,
      [](const catalog_resource& r, std::string_view u) { return r.definition.uri < u; });
  return it != resources_.end() && it->definition.uri == uri ? &*it : nullptr;
}

const catalog_template* catalog::match_template(
    std::string_view uri, std::map<std::string, std::string>& variables) const {
  for (const auto& t : templates_) {
    if (auto vars = match_uri(t.parsed, uri)) {
      variables = std::move(*vars);
      return &t;
    }
  }
  return nullptr;
}

const catalog_prompt* catalog::find_prompt(std::string_view name) const {
  auto it = std::lower_bound(
      prompts_.begin(), prompts_.end(), name,
      [](const catalog_prompt& p, std::string_view n) { return p.definition.name < n; });
  return it != prompts_.end() && it->definition.name == name ? &*it : nullptr;
}

std::vector<tool_actor> catalog::actors() const {
  std::vector<tool_actor> out;
  for (const auto& t : tools_) {
    out.push_back(t.handler);
  }
  for (const auto& r : resources_) {
    out.emplace_back(r.runner);
  }
  for (const auto& t : templates_) {
    out.emplace_back(t.runner);
  }
  for (const auto& p : prompts_) {
    out.emplace_back(p.runner);
  }
  for (const auto& m : methods_) {
    out.emplace_back(m.runner);
  }
  return out;
}

const catalog_method* catalog::find_method(std::string_view name) const {
  for (const auto& m : methods_) {
    if (m.spec.name == name) {
      return &m;
    }
  }
  return nullptr;
}

caf::error catalog_builder::add(method_spec method, runner_actor runner) {
  // An extension's method is namespaced ("io.example/search"), so it never shadows one of
  // MCP's (which have no dot before their slash) nor takes MCP's own namespace.
  auto slash = method.name.find('/');
  auto ns = std::string_view(method.name).substr(0, slash);
  if (slash == std::string::npos || slash + 1 == method.name.size() ||
      ns.find('.') == std::string_view::npos || ns == "io.modelcontextprotocol" ||
      !method.handler) {
    return invalid("method '" + method.name +
                   "' needs a handler and a namespaced name such as io.example/search");
  }
  for (const auto& m : methods_) {
    if (m.spec.name == method.name) {
      return invalid("duplicate method '" + method.name + "'");
    }
  }
  methods_.push_back({std::move(method), std::move(runner)});
  return caf::none;
}

caf::error catalog_builder::add(resource_definition d, resource_reader reader,
                                runner_actor runner) {
  if (d.uri.empty() || d.name.empty()) {
    return invalid("a resource needs a uri and a name");
  }
  for (const auto& r : resources_) {
    if (r.definition.uri == d.uri) {
      return invalid("duplicate resource uri '" + d.uri + "'");
    }
  }
  std::string json = R"({"uri":)" + quote(d.uri) + R"(,"name":)" + quote(d.name);
  optional_member(json, "title", d.title);
  optional_member(json, "description", d.description);
  optional_member(json, "mimeType", d.mime_type);
  json += '}';
  resources_.push_back({std::move(d), std::move(json), std::move(reader), std::move(runner)});
  return caf::none;
}

caf::error catalog_builder::add(resource_template_definition d, resource_reader reader,
                                runner_actor runner) {
  auto parsed = parse_uri_template(d.uri_template);
  if (!parsed || parsed->names.empty() || d.name.empty()) {
    return invalid("resource template '" + d.uri_template +
                   "' needs a name and at least one {variable} (RFC 6570 level 1)");
  }
  std::string json = R"({"uriTemplate":)" + quote(d.uri_template) + R"(,"name":)" + quote(d.name);
  optional_member(json, "title", d.title);
  optional_member(json, "description", d.description);
  optional_member(json, "mimeType", d.mime_type);
  json += '}';
  templates_.push_back(
      {std::move(d), std::move(json), std::move(*parsed), std::move(reader), std::move(runner)});
  return caf::none;
}

caf::error catalog_builder::add(prompt_definition d, prompt_handler handler, runner_actor runner) {
  if (d.name.empty()) {
    return invalid("a prompt needs a name");
  }
  for (const auto& p : prompts_) {
    if (p.definition.name == d.name) {
      return invalid("duplicate prompt name '" + d.name + "'");
    }
  }
  std::string json = R"({"name":)" + quote(d.name);
  optional_member(json, "title", d.title);
  optional_member(json, "description", d.description);
  if (!d.arguments.empty()) {
    json += R"(,"arguments":[)";
    for (size_t i = 0; i < d.arguments.size(); ++i) {
      const auto& a = d.arguments[i];
      json += (i > 0 ? "," : "") + std::string(R"({"name":)") + quote(a.name);
      optional_member(json, "description", a.description);
      json += a.required ? R"(,"required":true})" : "}";
    }
    json += ']';
  }
  json += '}';
  prompts_.push_back({std::move(d), std::move(json), std::move(handler), std::move(runner)});
  return caf::none;
}

}  // namespace mcprt::actors::catalog
