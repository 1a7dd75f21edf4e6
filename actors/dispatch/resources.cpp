// resources/list, resources/templates/list, resources/read, prompts/list, prompts/get and
// completion/complete. Readers and prompt handlers run on their plugin's actor.
#include <caf/actor.hpp>
#include <caf/send.hpp>

#include "actors/dispatch/dispatcher.hpp"
#include "actors/dispatch/list_page.hpp"
#include "actors/dispatch/method_table.hpp"
#include "runtime/api/messages.hpp"
#include "runtime/io/responder_internals.hpp"

namespace mcprt::actors::dispatch {

namespace {

// Runs `step` on the plugin actor `runner`.
void run_on(const runner_actor& runner, std::function<void()> step) {
  caf::anon_send(runner, tool_step{std::move(step)});
}

void read_resource(const rpc::message& msg, const responder& out, const dispatch_env& env) {
  auto uri = msg.params ? string_member(*msg.params, "uri") : std::nullopt;
  if (!uri) {
    out.error(invalid_params("resources/read needs a string \"uri\""));
    return;
  }
  std::string u(*uri);
  if (const auto* r = env.tools->find_resource(u)) {
    run_on(r->runner, [reader = r->reader, u, out] {
      resource_request req(u, {}, out);
      reader(req);
    });
    return;
  }
  std::map<std::string, std::string> vars;
  if (const auto* t = env.tools->match_template(u, vars)) {
    run_on(t->runner, [reader = t->reader, u, vars = std::move(vars), out] {
      resource_request req(u, vars, out);
      reader(req);
    });
    return;
  }
  resource_request(u, {}, out).not_found();
}

void get_prompt(const rpc::message& msg, const responder& out, const dispatch_env& env) {
  auto name = msg.params ? string_member(*msg.params, "name") : std::nullopt;
  if (!name) {
    out.error(invalid_params("prompts/get needs a string \"name\""));
    return;
  }
  const auto* p = env.tools->find_prompt(*name);
  if (p == nullptr) {
    out.error(invalid_params("Unknown prompt: " + std::string(*name)));
    return;
  }
  responder_internals::name_target(out, p->definition.name);
  std::map<std::string, std::string> args;
  if (auto* a = find_member(*msg.params, "arguments"); a != nullptr) {
    if (!a->IsObject()) {
      out.error(invalid_params("prompts/get \"arguments\" must be an object"));
      return;
    }
    for (auto& m : a->GetObject()) {
      if (!m.value.IsString()) {
        out.error(invalid_params("prompt argument '" + std::string(m.name.GetString()) +
                                 "' must be a string"));
        return;
      }
      args.emplace(m.name.GetString(), std::string(m.value.GetString(), m.value.GetStringLength()));
    }
  }
  for (const auto& declared : p->definition.arguments) {
    if (declared.required && args.count(declared.name) == 0) {
      out.error(invalid_params("Missing required argument '" + declared.name + "' for prompt '" +
                               p->definition.name + "'"));
      return;
    }
  }
  run_on(p->runner, [handler = p->handler, args = std::move(args), out] {
    prompt_request req(args, out);
    handler(req);
  });
}

void complete(const rpc::message& msg, const responder& out) {
  auto* ref = msg.params ? find_member(*msg.params, "ref") : nullptr;
  auto* argument = msg.params ? find_member(*msg.params, "argument") : nullptr;
  if (ref == nullptr || !ref->IsObject() || argument == nullptr || !argument->IsObject()) {
    out.error(invalid_params(R"(completion/complete needs "ref" and "argument" objects)"));
    return;
  }
  // No plugin offers completions yet: an empty, complete answer.
  out.result(R"({"completion":{"values":[],"total":0,"hasMore":false}})");
}

}  // namespace

void add_resource_methods(method_table& table) {
  auto handled = [](void (*f)(const rpc::message&, const responder&, const dispatch_env&)) {
    return [f](const rpc::message& msg, const responder& out, const dispatch_env& env) {
      f(msg, out, env);
      return true;
    };
  };
  table.add({"resources/list",
             in_both,
             method_scope::stateless,
             false,
             {},
             handled([](const rpc::message& msg, const responder& out, const dispatch_env& env) {
               list_page<catalog::catalog_resource>(
                   msg, out, *env.profile, env.tools->resources(),
                   [](const catalog::catalog_resource& r) -> std::string_view {
                     return r.definition.uri;
                   },
                   "resources", 'r',
                   visible_to<catalog::catalog_resource>(out, env, "resources/read"));
             })});
  // Templates are ordered by name; the first that matches a URI serves it.
  table.add({"resources/templates/list",
             in_both,
             method_scope::stateless,
             false,
             {},
             handled([](const rpc::message& msg, const responder& out, const dispatch_env& env) {
               list_page(
                   msg, out, *env.profile, env.tools->templates(),
                   [](const catalog::catalog_template& t) -> std::string_view {
                     return t.definition.name;
                   },
                   "resourceTemplates", 'u');
             })});
  table.add(
      {"resources/read", in_both, method_scope::stateless, false, "uri", handled(read_resource)});
  table.add(
      {"prompts/list",
       in_both,
       method_scope::stateless,
       false,
       {},
       handled([](const rpc::message& msg, const responder& out, const dispatch_env& env) {
         list_page<catalog::catalog_prompt>(
             msg, out, *env.profile, env.tools->prompts(),
             [](const catalog::catalog_prompt& p) -> std::string_view { return p.definition.name; },
             "prompts", 'p', visible_to<catalog::catalog_prompt>(out, env, "prompts/get"));
       })});
  table.add({"prompts/get", in_both, method_scope::stateless, false, "name", handled(get_prompt)});
  table.add({"completion/complete",
             in_both,
             method_scope::stateless,
             false,
             {},
             handled([](const rpc::message& msg, const responder& out, const dispatch_env&) {
               complete(msg, out);
             })});
}

}  // namespace mcprt::actors::dispatch
