// MCP's JSON-RPC error codes as a CAF error category ("mcp"): an actor or a plugin can fail
// with a caf::error that carries the JSON-RPC code it means, and the node renders it by name.
// Not the codes themselves (codec/errors.hpp) nor their HTTP statuses.
#pragma once

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <string>

#include "runtime/codec/errors.hpp"

namespace mcprt {
inline namespace api {

/// The category of errors that stand for a JSON-RPC code.
inline constexpr caf::atom_value mcp_error_category = caf::atom("mcp");

/// `code` as a caf::error of category mcp; `message` goes along as its context.
caf::error to_caf_error(rpc_code code, std::string message = {});

/// The JSON-RPC error a caf::error stands for: its own code and context for category mcp;
/// for any other, -32603 with `rendered` (the actor system's rendering) as the message.
rpc_error to_rpc_error(const caf::error& error, const std::string& rendered = {});

/// The name of a code as the renderer writes it ("invalid_params"), or "unknown".
std::string_view rpc_code_name(rpc_code code);

/// Registers the category's renderer ("mcp: invalid_params (context)"); the node does this.
void register_mcp_errors(caf::actor_system_config& cfg);

}  // namespace api
}  // namespace mcprt
