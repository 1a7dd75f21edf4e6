// The public plugin API: how a plugin declares settings and registers tools backed by its
// actors. Built-in plugins use exactly this header, as a third party would.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <caf/error.hpp>

#include "runtime/messages.hpp"
#include "runtime/settings.hpp"
#include "runtime/tool_result.hpp"

namespace caf {
class actor_system;
}

namespace mcprt {

/// ABI version a plugin is compiled against; bumped on any change to this header.
inline constexpr int plugin_abi_version = 1;

/// How a tool presents itself in `tools/list`. Schemas are JSON text served verbatim.
struct tool_definition {
  std::string name;
  std::string title;          ///< Optional display name.
  std::string description;
  std::string input_schema = R"({"type":"object","properties":{}})";
  std::string output_schema;  ///< Optional; empty when absent.
  std::string annotations;    ///< Optional `ToolAnnotations` object; empty when absent.
};

/// One running call of a function tool: its arguments and the ways to answer.
class tool_invocation {
 public:
  using defer_fn = std::function<void(std::chrono::milliseconds, std::function<void()>)>;
  tool_invocation(json_ref arguments, responder out, defer_fn defer)
      : arguments_(std::move(arguments)), out_(std::move(out)), defer_(std::move(defer)) {}

  /// The validated arguments object; empty when the call carried none.
  const json_ref& arguments() const { return arguments_; }
  /// The request's responder: progress, log, and the final answer.
  const responder& out() const { return out_; }
  /// Sends the tool result (once).
  void finish(const tool_result& r) const {
    out_.result(r.to_json(), r.is_error ? outcome::tool_error : outcome::ok);
  }
  /// Runs `step` on the tool's actor after `delay`, without blocking anything.
  void after(std::chrono::milliseconds delay, std::function<void()> step) const {
    defer_(delay, std::move(step));
  }

 private:
  json_ref arguments_;
  responder out_;
  defer_fn defer_;
};

/// The body of a function tool.
using tool_handler = std::function<void(tool_invocation&)>;

/// A tool implemented by a function that runs on its plugin's actor, or, when `inline_safe`,
/// directly on the I/O thread that read the request, with no actor hop. Mark a tool inline only
/// if its handler is thread-safe (I/O threads may run it concurrently), never blocks, and
/// finishes at once: a step it defers with after() still runs on the plugin's actor.
struct tool_spec {
  tool_definition definition;
  tool_handler handler;
  bool inline_safe = false;
};

/// What a plugin gets at start: the actor system, its settings, and the registries.
class plugin_context {
 public:
  virtual ~plugin_context() = default;
  /// The actor system to spawn the plugin's actors in.
  virtual caf::actor_system& system() = 0;
  /// Effective settings of this plugin's config section (keys without the section prefix).
  virtual const settings_view& settings() const = 0;
  /// Registers a tool served by an actor the plugin spawned. With `inline_handler`, calls run
  /// that function on the I/O thread instead (see tool_spec::inline_safe); `handler` still
  /// receives the deferred steps.
  virtual caf::error add_tool(tool_definition definition, tool_actor handler,
                              tool_handler inline_handler) = 0;
  /// Registers a tool served by an actor the plugin spawned.
  caf::error add_tool(tool_definition definition, tool_actor handler) {
    return add_tool(std::move(definition), std::move(handler), {});
  }
  /// Registers function tools; they share one actor, so they run one at a time.
  caf::error add_tools(std::vector<tool_spec> tools);
};

/// A plugin's descriptor. `name` is also its config section.
struct plugin {
  std::string name;
  std::string version;
  std::string status;  ///< "stable", "alpha", ...: shown in --help and docs.
  std::string description;
  bool safe_for_untrusted_input = true;
  std::vector<setting_spec> settings;  ///< Keys are full dotted paths under `name`.
  std::function<caf::error(plugin_context&)> start;
};

/// Spawns an actor that serves the given function tools.
tool_actor spawn_function_tools(caf::actor_system& sys, std::vector<tool_spec> tools);

}  // namespace mcprt
