// The shared method handlers. Results are written as JSON text straight from the catalog's
// pre-serialized listings; nothing is re-parsed.
#include "actors/dispatch/dispatcher.hpp"

#include <caf/actor.hpp>
#include <caf/send.hpp>

#include "actors/dispatch/list_page.hpp"
#include "actors/dispatch/method_table.hpp"
#include "runtime/api/messages.hpp"
#include "runtime/codec/base64.hpp"
#include "runtime/io/responder_internals.hpp"
#include "runtime/mcp/request_meta.hpp"

namespace mcprt::actors::dispatch {

namespace {

std::string server_info_json() {
  return R"({"name":)" + quote(server_name) + R"(,"version":)" + quote(server_version) + "}";
}

void call_tool(const rpc::message& msg, const responder& out, const dispatch_env& env) {
  auto name = msg.params ? string_member(*msg.params, "name") : std::nullopt;
  if (!name) {
    out.error(invalid_params("tools/call needs a string \"name\""));
    return;
  }
  const auto* tool = env.tools->find(*name);
  if (tool == nullptr) {
    out.error(invalid_params("Unknown tool: " + std::string(*name)));
    return;
  }
  responder_internals::name_target(out, tool->definition.name);
  auto arguments = msg.params.member("arguments");
  if (arguments && !arguments->IsObject()) {
    out.error(invalid_params("tools/call \"arguments\" must be an object"));
    return;
  }
  // A schema violation is a tool execution error, so the model can correct itself (SEP-1303).
  if (auto problem = env.tools->validate(*tool, arguments.get())) {
    out.result(error_result(*problem).to_json(), outcome::tool_error);
    return;
  }
  if (call_as_job(msg, *tool, arguments, out, env)) {
    return;
  }
  run_tool(*tool, arguments, out);
}

}  // namespace

void run_tool(const catalog::catalog_tool& tool, const json_ref& arguments, const responder& out) {
  if (tool.inline_handler) {
    // Inline-safe function tool: run here, on the caller's thread; deferred steps go to the
    // plugin's actor.
    auto defer = [steps = tool.steps](std::chrono::milliseconds d, std::function<void()> step) {
      caf::delayed_anon_send(steps, d, tool_step{std::move(step)});
    };
    tool_invocation inv(arguments, out, std::move(defer));
    tool.inline_handler(inv);
    return;
  }
  caf::anon_send(tool.handler, tool_call{tool.definition.name, arguments, out});
}

std::string cache_members(const request_info& info, const server_profile& profile,
                          bool per_caller) {
  if (info.era != era::modern) {
    return {};
  }
  return R"(,"ttlMs":)" + std::to_string(profile.list_ttl_ms) +
         (per_caller ? R"(,"cacheScope":"private")" : R"(,"cacheScope":"public")");
}

std::string capabilities_json(const catalog::catalog& c, era e, bool tasks) {
  // Lists can change at run time (live_catalog), and changes reach subscribers.
  std::string caps = "{";
  if (tasks && e == era::legacy) {
    caps += R"("tasks":{"list":{},"cancel":{},"requests":{"tools":{"call":{}}}},)";
  } else if (tasks) {
    caps += R"("extensions":{)" + quote(tasks_extension) + R"(:{}},)";
  }
  if (!c.tools().empty()) {
    caps += R"("tools":{"listChanged":true},)";
  }
  if (!c.resources().empty() || !c.templates().empty()) {
    caps += R"("resources":{"subscribe":true,"listChanged":true},)";
  }
  if (!c.prompts().empty()) {
    caps += R"("prompts":{"listChanged":true},)";
  }
  caps += R"("completions":{},"logging":{}})";
  return caps;
}

std::string_view negotiate_legacy_version(std::string_view requested) {
  return is_legacy_version(requested) ? requested : legacy_versions.front();
}

std::string initialize_result(std::string_view version, const dispatch_env& env) {
  std::string result = R"({"protocolVersion":)" + quote(version);
  bool tasks = env.jobs != nullptr && version >= std::string_view("2025-11-25");
  result += R"(,"capabilities":)" + capabilities_json(*env.tools, era::legacy, tasks);
  result += R"(,"serverInfo":)" + server_info_json();
  if (!env.profile->instructions.empty()) {
    result += R"(,"instructions":)" + quote(env.profile->instructions);
  }
  result += '}';
  return result;
}

bool dispatch(const rpc::message& msg, const responder& out, const dispatch_env& env) {
  if (const auto* entry = method_table::builtin().find(msg.method); entry != nullptr) {
    return entry->in(out.info().era) && entry->handler && entry->handler(msg, out, env);
  }
  // A plugin's own method (an extension's), served on the plugin's actor.
  const auto* method = env.tools->find_method(msg.method);
  if (method == nullptr ||
      !(out.info().era == era::modern ? method->spec.in_modern : method->spec.in_legacy)) {
    return false;
  }
  caf::anon_send(method->runner, tool_step{[handler = method->spec.handler, params = msg.params,
                                            out] { handler(params, out); }});
  return true;
}

void add_core_methods(method_table& table) {
  table.add({"tools/call", in_both, method_scope::stateless, false, "name",
             [](const rpc::message& msg, const responder& out, const dispatch_env& env) {
               call_tool(msg, out, env);
               return true;
             }});
  table.add(
      {"tools/list",
       in_both,
       method_scope::stateless,
       false,
       {},
       [](const rpc::message& msg, const responder& out, const dispatch_env& env) {
         list_page<catalog::catalog_tool>(
             msg, out, *env.profile, env.tools->tools(),
             [](const catalog::catalog_tool& t) -> std::string_view { return t.definition.name; },
             "tools", 't', visible_to<catalog::catalog_tool>(out, env, "tools/call"));
         return true;
       }});
  // Removed in 2026-07-28.
  table.add({"ping",
             in_legacy,
             method_scope::stateless,
             true,
             {},
             [](const rpc::message&, const responder& out, const dispatch_env&) {
               out.result("{}");
               return true;
             }});
  table.add({"server/discover",
             in_modern,
             method_scope::stateless,
             true,
             {},
             [](const rpc::message&, const responder& out, const dispatch_env& env) {
               std::string result = R"({"supportedVersions":)" + supported_versions_json();
               result += R"(,"capabilities":)" +
                         capabilities_json(*env.tools, era::modern, env.jobs != nullptr);
               if (!env.profile->instructions.empty()) {
                 result += R"(,"instructions":)" + quote(env.profile->instructions);
               }
               result += cache_members(out.info(), *env.profile);
               result += '}';
               out.result(result);
               return true;
             }});
}

}  // namespace mcprt::actors::dispatch
