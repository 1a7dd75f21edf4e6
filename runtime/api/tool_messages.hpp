// The messages a plugin's actors receive: a tool call and a deferred step, and the typed actor
// handles that take them. Part of the plugin SDK; the server's own messages are in
// messages.hpp.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <functional>
#include <string>

#include "runtime/codec/json.hpp"
#include "runtime/io/responder.hpp"

namespace mcprt {
inline namespace api {

/// dispatcher or session -> tool actor: run one tool. The tool answers through `out`.
struct tool_call {
  std::string tool;    ///< The tool's registered name.
  json_ref arguments;  ///< The validated `arguments` object (may be empty).
  responder out;       ///< Where progress, logs and the result go.
};

/// A tool actor's own deferred step (from tool_invocation::after).
struct tool_step {
  std::function<void()> run;
};

/// Serves tool calls. Built-in and third-party plugins spawn these.
using tool_actor = caf::typed_actor<caf::reacts_to<tool_call>>;
/// A function-tools actor (spawn_function_tools): serves tool calls and runs deferred steps,
/// resource reads and prompt renders (tool_step). Converts to a tool_actor.
using runner_actor = tool_actor::extend<caf::reacts_to<tool_step>>;

}  // namespace api
}  // namespace mcprt

// Local-only payloads: they hold callbacks and shared documents, so they never go remote.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::tool_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::tool_step)
