// The public plugin API: how a plugin declares settings and registers tools backed by its
// actors. Built-in plugins use exactly this header, as a third party would.
#pragma once

#include <caf/error.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "runtime/api/settings.hpp"
#include "runtime/api/tool_messages.hpp"
#include "runtime/io/frame_kind.hpp"
#include "runtime/mcp/tool_result.hpp"

namespace caf {
class actor_system;
}

namespace mcprt {
inline namespace api {

/// ABI version a plugin is compiled against; bumped on any change to the layouts or functions
/// of the SDK (<mcprt/plugin.hpp> and what it reaches).
inline constexpr int plugin_abi_version = 5;

/// Whether a tool runs as a task (2025-11-25 `execution.taskSupport`, the 2026 tasks extension).
enum class task_support { forbidden, optional, required };

/// When a task-supporting tool becomes a task: at once (the call is answered with the task's
/// handle before the tool starts), or when its handler says so (tool_invocation::run_as_task,
/// e.g. after gathering input over MRTR rounds).
enum class task_start { at_call, by_handler };

/// How a tool presents itself in `tools/list`. Schemas are JSON text served verbatim.
struct tool_definition {
  std::string name;
  std::string title;  ///< Optional display name.
  std::string description;
  std::string input_schema = R"({"type":"object","properties":{}})";
  std::string output_schema;  ///< Optional; empty when absent.
  std::string annotations;    ///< Optional `ToolAnnotations` object; empty when absent.
  /// Long tools say optional or required: then a client that can take tasks gets a task
  /// handle and polls (tasks/get), and the call survives its connection.
  mcprt::task_support task_support = task_support::forbidden;
  mcprt::task_start task_start = task_start::at_call;
};

/// A definition from the fields most tools set.
inline tool_definition make_tool(std::string name, std::string description,
                                 std::string input_schema,
                                 task_support support = task_support::forbidden) {
  tool_definition d;
  d.name = std::move(name);
  d.description = std::move(description);
  d.input_schema = std::move(input_schema);
  d.task_support = support;
  return d;
}

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
  /// Who calls (issuer, subject, client id, scopes): empty when the server does not
  /// authenticate. Never the token: it does not leave the front door.
  const principal& caller() const { return out_.info().caller; }
  /// The caller's W3C trace context (`traceparent`, `tracestate`, `baggage` from `_meta`), to
  /// continue the trace in what the tool calls; empty members when the caller sent none.
  const trace_context& trace() const { return out_.info().trace; }
  /// Sends the tool result (once).
  void finish(const tool_result& r) const { out_.result(r); }
  /// Runs `step` on the tool's actor after `delay`, without blocking anything.
  void after(std::chrono::milliseconds delay, std::function<void()> step) const {
    defer_(delay, std::move(step));
  }
  /// 2026-07-28 (MRTR): the client's answers to this call's earlier input requests, keyed as
  /// they were asked (each a result object), or an empty ref on the first round.
  const json_ref& input_responses() const { return out_.info().input_responses; }
  /// 2026-07-28 (MRTR): the state this call handed out last round, verified; empty if none.
  const std::string& request_state() const { return out_.info().request_state; }
  /// 2026-07-28 (MRTR): ends this round asking the client for input; it calls again with
  /// `inputResponses` and `state` (sealed against tampering). See responder::input_required.
  void input_required(std::string_view input_requests, std::string_view state = {}) const {
    out_.input_required(input_requests, state);
  }
  /// For tools with task_start::by_handler: continues this call as a task whose rounds run
  /// `body` (with the call's arguments; later rounds carry the client's inputResponses), and
  /// answers the call with the task's handle. False when this call cannot be a task (the
  /// client did not negotiate tasks): then finish it here instead.
  bool run_as_task(std::function<void(tool_invocation&)> body) const {
    return out_.escalate_to_task(
        [arguments = arguments_, defer = defer_, body = std::move(body)](const responder& round) {
          tool_invocation inv(arguments, round, defer);
          body(inv);
        });
  }
  /// Asks the client (`sampling/createMessage`, `elicitation/create`, `roots/list`) and runs
  /// `then` with its answer on the tool's actor. Needs a 2025 session (HTTP, WebSocket, stdio);
  /// otherwise, or without the client's capability, or on timeout, `then` gets an error.
  void ask_client(std::string method, std::string params_json,
                  std::function<void(const client_reply&)> then) const {
    out_.ask_client(std::move(method), std::move(params_json),
                    [defer = defer_, then = std::move(then)](client_reply reply) {
                      defer(std::chrono::milliseconds(0),
                            [then, reply = std::move(reply)] { then(reply); });
                    });
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

/// A resource as `resources/list` shows it.
struct resource_definition {
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
};

/// A family of resources behind an RFC 6570 (level 1) URI template, e.g. `test://item/{id}`.
struct resource_template_definition {
  std::string uri_template;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
};

/// One entry of a `resources/read` result: text, or binary as base64 (`blob`).
struct resource_contents {
  std::string uri;
  std::string mime_type;
  std::string text;  ///< The text, or the base64 data when `is_blob`.
  bool is_blob = false;
  /// The contents object as JSON text.
  std::string to_json() const;
};

/// One `resources/read` call: the URI, the template variables it matched, and the answer.
class resource_request {
 public:
  resource_request(std::string uri, std::map<std::string, std::string> variables, responder out)
      : uri_(std::move(uri)), variables_(std::move(variables)), out_(std::move(out)) {}
  const std::string& uri() const { return uri_; }
  /// Values of the template's variables (empty for a plain resource).
  const std::map<std::string, std::string>& variables() const { return variables_; }
  const responder& out() const { return out_; }
  /// Answers with these contents (once).
  void finish(const std::vector<resource_contents>& contents) const;
  /// Answers "resource not found" with the code the request's protocol era defines.
  void not_found() const;

 private:
  std::string uri_;
  std::map<std::string, std::string> variables_;
  responder out_;
};

using resource_reader = std::function<void(resource_request&)>;

/// A resource and the function that reads it (on the plugin's actor).
struct resource_spec {
  resource_definition definition;
  resource_reader reader;
};

/// A resource template and the function that reads the resources it matches.
struct resource_template_spec {
  resource_template_definition definition;
  resource_reader reader;
};

/// One argument a prompt takes.
struct prompt_argument {
  std::string name;
  std::string description;
  bool required = false;
};

/// A prompt as `prompts/list` shows it.
struct prompt_definition {
  std::string name;
  std::string title;
  std::string description;
  std::vector<prompt_argument> arguments;
};

/// One `prompts/get` call: the (validated) arguments and the answer.
class prompt_request {
 public:
  prompt_request(std::map<std::string, std::string> arguments, responder out)
      : arguments_(std::move(arguments)), out_(std::move(out)) {}
  /// String arguments by name; every required one is present.
  const std::map<std::string, std::string>& arguments() const { return arguments_; }
  const responder& out() const { return out_; }
  /// Answers with messages (each a serialized `PromptMessage`) and an optional description.
  void finish(const std::vector<std::string>& messages, std::string_view description = {}) const;

 private:
  std::map<std::string, std::string> arguments_;
  responder out_;
};

using prompt_handler = std::function<void(prompt_request&)>;

/// A prompt and the function that renders it (on the plugin's actor).
struct prompt_spec {
  prompt_definition definition;
  prompt_handler handler;
};

/// A JSON-RPC method a plugin serves itself (an extension's method, e.g. "io.example/search").
/// Its handler runs on the plugin's actor, like a prompt's, and answers through `out` once.
struct method_spec {
  std::string name;
  bool in_modern = true;  ///< Served to 2026-07-28 requests.
  bool in_legacy = true;  ///< Served in 2025 sessions.
  std::function<void(const json_ref& params, const responder& out)> handler;
};

/// Builders for `PromptMessage` objects; `content` is a serialized content block.
namespace prompt_message {
std::string user(std::string_view content);
std::string assistant(std::string_view content);
}  // namespace prompt_message

/// Sends notifications to the subscribers of a resource URI (`resources/subscribe` in 2025
/// sessions, WebSocket connections and stdio). A plugin channel is a resource too: clients
/// subscribe to its URI and receive the plugin's own notification method. Thread-safe; never
/// blocks: each notification is serialized once and offered to every subscriber's bounded queue.
class publisher {
 public:
  virtual ~publisher() = default;
  /// `notifications/resources/updated {uri}`; under pressure, coalesced to the latest per URI.
  virtual void resource_updated(std::string_view uri) = 0;
  /// `method` with `params_json` (a JSON object without `_meta`) to the subscribers of `uri`;
  /// above a subscriber's watermark, `policy` applies.
  virtual void publish(std::string_view uri, std::string_view method, std::string_view params_json,
                       overflow_policy policy) = 0;
};

/// Several catalog edits applied as one (live_catalog::apply): first the removals, then the
/// additions. Names and URIs are as registered (prefixed, for an adapter's).
struct catalog_change {
  std::vector<std::string> remove_tools;
  std::vector<std::string> remove_prompts;
  std::vector<std::string> remove_resources;  ///< URIs.
  std::vector<std::string> remove_resource_templates;
  std::vector<tool_spec> add_tools;
  std::vector<prompt_spec> add_prompts;
  std::vector<resource_spec> add_resources;
  std::vector<resource_template_spec> add_resource_templates;
};

/// The catalog while the server runs: each change swaps the snapshot every request reads and
/// sends `notifications/tools/list_changed` (or prompts) to every session, WebSocket, stdio
/// client and 2026 listen stream that asked for it (and likewise resources). Thread-safe.
class live_catalog {
 public:
  virtual ~live_catalog() = default;
  /// Adds function tools (served by one new actor); fails on a duplicate or invalid tool.
  virtual caf::error add_tools(std::vector<tool_spec> tools) = 0;
  /// Removes a tool; false when there was none.
  virtual bool remove_tool(std::string_view name) = 0;
  /// Adds prompts (rendered on one new actor); fails on a duplicate.
  virtual caf::error add_prompts(std::vector<prompt_spec> prompts) = 0;
  /// Removes a prompt; false when there was none.
  virtual bool remove_prompt(std::string_view name) = 0;
  /// Adds resources (read on one new actor); fails on a duplicate URI.
  virtual caf::error add_resources(std::vector<resource_spec> resources) = 0;
  /// Removes a resource; false when there was none.
  virtual bool remove_resource(std::string_view uri) = 0;
  /// Adds resource templates (read on one new actor); fails on a duplicate template.
  virtual caf::error add_resource_templates(std::vector<resource_template_spec> templates) = 0;
  /// Removes a resource template; false when there was none.
  virtual bool remove_resource_template(std::string_view uri_template) = 0;
  /// Applies `change` as one: no request sees the catalog between its removals and its
  /// additions (replacing a tool never makes it unknown for a moment), and each list it
  /// touches announces list_changed once. Fails, changing nothing, when an addition is
  /// refused (a duplicate, an invalid schema); a removal of something absent is no error.
  virtual caf::error apply(catalog_change change) = 0;
};

/// What a plugin gets at start: the actor system, its settings, and the registries.
class plugin_context {
 public:
  virtual ~plugin_context() = default;
  /// The actor system to spawn the plugin's actors in.
  virtual caf::actor_system& system() = 0;
  /// Effective settings of this plugin's config section (keys without the section prefix).
  virtual const settings_view& settings() const = 0;
  /// The server's state directory (`state.directory`, absolute). A plugin that keeps files
  /// puts them in a subdirectory named after itself unless its settings say otherwise.
  virtual std::string state_directory() const = 0;
  /// Where the plugin publishes notifications (never null).
  virtual std::shared_ptr<mcprt::publisher> publisher() = 0;
  /// The catalog to change after start (keep the handle; never null). Changes made while the
  /// plugin starts are overwritten by the start-up catalog: use add_tool and friends then.
  virtual std::shared_ptr<mcprt::live_catalog> live() = 0;
  /// Registers a tool served by an actor the plugin spawned. With `inline_handler`, calls run
  /// that function on the I/O thread instead (see tool_spec::inline_safe); `handler` still
  /// receives the deferred steps.
  virtual caf::error add_tool(tool_definition definition, tool_actor handler,
                              tool_handler inline_handler, runner_actor steps) = 0;
  /// Registers a tool served by an actor the plugin spawned.
  caf::error add_tool(tool_definition definition, tool_actor handler) {
    return add_tool(std::move(definition), std::move(handler), {}, {});
  }
  /// Registers function tools; they share one actor, so they run one at a time.
  caf::error add_tools(std::vector<tool_spec> tools);
  /// Registers resources and resource templates; their readers run on one new actor.
  caf::error add_resources(std::vector<resource_spec> resources,
                           std::vector<resource_template_spec> templates = {});
  /// Registers prompts; their handlers run on one new actor.
  caf::error add_prompts(std::vector<prompt_spec> prompts);
  /// Registers JSON-RPC methods of the plugin's own; they run on one new actor. Fails on a
  /// name MCP or another plugin already serves.
  caf::error add_methods(std::vector<method_spec> methods);

  /// Registry hooks behind add_resources and add_prompts: `runner` is the actor (one that
  /// accepts tool_step) the functions run on.
  virtual caf::error add_resource(resource_definition definition, resource_reader reader,
                                  runner_actor runner) = 0;
  virtual caf::error add_resource_template(resource_template_definition definition,
                                           resource_reader reader, runner_actor runner) = 0;
  virtual caf::error add_prompt(prompt_definition definition, prompt_handler handler,
                                runner_actor runner) = 0;
  /// Registry hook behind add_methods (a context without one refuses). By value: the
  /// implementations keep them.
  // NOLINTNEXTLINE(performance-unnecessary-value-param)
  virtual caf::error add_method(method_spec /*method*/, runner_actor /*runner*/) {
    return caf::make_error(caf::sec::invalid_argument, "this context takes no methods");
  }
};

/// A plugin's descriptor. `name` is also its config section.
/// What the node does when one of a plugin's actors ends on its own. Either way what the actor
/// served leaves the catalog at once; `restart` then starts the whole plugin again after a
/// backoff (its other actors are stopped first), `stay_down` leaves the rest serving.
enum class restart_policy { restart, stay_down };

struct plugin {
  std::string name;
  std::string version;
  std::string status;  ///< "stable", "alpha", ...: shown in --help and docs.
  std::string description;
  bool safe_for_untrusted_input = true;
  std::vector<setting_spec> settings;  ///< Keys are full dotted paths under `name`.
  std::function<caf::error(plugin_context&)> start;
  /// Operators may keep a plugin down with `supervision.stayDown`.
  restart_policy restart = restart_policy::restart;
};

/// Spawns an actor that serves the given function tools.
runner_actor spawn_function_tools(caf::actor_system& sys, std::vector<tool_spec> tools);

}  // namespace api
}  // namespace mcprt
