// The actor behind plugin_context::add_tools: runs function tools and their deferred steps
// on one mailbox, so a plugin's handlers need no locks.
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>

#include "runtime/api/plugin_api.hpp"

namespace mcprt {
inline namespace api {

namespace {

struct function_tool_state {
  std::map<std::string, std::function<void(tool_invocation&)>, std::less<>> handlers;
  // Calls handed to a handler and not answered yet. Weak: a deferred step may hold the
  // responder in the actor clock past the actor's end; this answers it when the actor ends.
  std::vector<std::pair<std::string, responder::weak>> running;

  function_tool_state() = default;
  function_tool_state(const function_tool_state&) = delete;
  function_tool_state& operator=(const function_tool_state&) = delete;
  ~function_tool_state() {
    for (const auto& [tool, ref] : running) {
      if (auto out = ref.lock()) {
        out->error(make_error(rpc_code::internal_error,
                              "Tool '" + tool + "' stopped before answering: its actor ended"));
      }
    }
  }

  void track(const std::string& tool, const responder& out) {
    if (running.size() >= 64) {
      std::erase_if(running, [](const auto& r) {
        auto out = r.second.lock();
        return !out || out->done();
      });
    }
    running.emplace_back(tool, out.weak_ref());
  }
};

runner_actor::behavior_type function_tool_impl(
    runner_actor::stateful_pointer<function_tool_state> self, std::vector<tool_spec> tools) {
  for (auto& t : tools) {
    self->state.handlers.emplace(t.definition.name, std::move(t.handler));
  }
  return {
      [self](tool_call& call) {
        auto it = self->state.handlers.find(call.tool);
        if (it == self->state.handlers.end()) {
          call.out.error(make_error(rpc_code::invalid_params, "Unknown tool: " + call.tool));
          return;
        }
        auto defer = [self](std::chrono::milliseconds d, std::function<void()> step) {
          self->delayed_send(self, d, tool_step{std::move(step)});
        };
        self->state.track(call.tool, call.out);
        tool_invocation inv(std::move(call.arguments), std::move(call.out), std::move(defer));
        it->second(inv);
      },
      [](tool_step& step) { step.run(); },
  };
}

}  // namespace

runner_actor spawn_function_tools(caf::actor_system& sys, std::vector<tool_spec> tools) {
  return sys.spawn(function_tool_impl, std::move(tools));
}

caf::error plugin_context::add_tools(std::vector<tool_spec> tools) {
  auto registrations = tools;  // The actor takes the handlers; the catalog needs them too.
  auto actor = spawn_function_tools(system(), std::move(tools));
  for (auto& t : registrations) {
    auto inline_handler = t.inline_safe ? std::move(t.handler) : tool_handler{};
    if (auto err = add_tool(std::move(t.definition), actor, std::move(inline_handler), actor)) {
      return err;
    }
  }
  return caf::none;
}

}  // namespace api
}  // namespace mcprt

namespace mcprt {
inline namespace api {

caf::error plugin_context::add_resources(std::vector<resource_spec> resources,
                                         std::vector<resource_template_spec> templates) {
  auto runner = spawn_function_tools(system(), {});
  for (auto& r : resources) {
    if (auto err = add_resource(std::move(r.definition), std::move(r.reader), runner)) {
      return err;
    }
  }
  for (auto& t : templates) {
    if (auto err = add_resource_template(std::move(t.definition), std::move(t.reader), runner)) {
      return err;
    }
  }
  return caf::none;
}

caf::error plugin_context::add_methods(std::vector<method_spec> methods) {
  auto runner = spawn_function_tools(system(), {});
  for (auto& m : methods) {
    if (auto err = add_method(std::move(m), runner)) {
      return err;
    }
  }
  return caf::none;
}

caf::error plugin_context::add_prompts(std::vector<prompt_spec> prompts) {
  auto runner = spawn_function_tools(system(), {});
  for (auto& p : prompts) {
    if (auto err = add_prompt(std::move(p.definition), std::move(p.handler), runner)) {
      return err;
    }
  }
  return caf::none;
}

}  // namespace api
}  // namespace mcprt
