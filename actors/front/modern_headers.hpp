// The Server Validation rules of 2026-07-28 Streamable HTTP: the MCP-Protocol-Version,
// Mcp-Method and Mcp-Name headers must be present and agree with the body. Pure functions
// over a decoded message and the request's headers; the endpoint decides what follows.
#pragma once

#include <optional>
#include <string_view>

#include "actors/front/mcp_request.hpp"
#include "runtime/codec/errors.hpp"
#include "runtime/codec/json_rpc.hpp"

namespace mcprt::actors::front {

/// Why a request is refused before dispatch: the HTTP status and the JSON-RPC error.
struct refusal_reason {
  unsigned status = 400;
  rpc_error error;
};

/// The version rules: the header is there and spoken, the body's `_meta` version is a string
/// equal to it, and it is the modern revision (earlier ones need initialize).
/// `body_version` is `_meta["io.modelcontextprotocol/protocolVersion"]` or null.
std::optional<refusal_reason> check_modern_version(const mcp_request& req,
                                                   const rapidjson::Value* body_version);

/// The routing rules of a request: Mcp-Method equals the body's method, and for methods that
/// name a target (tools/call, prompts/get, resources/read, tasks/*) Mcp-Name, base64 or plain
/// as SEP-2243 allows, equals the body's name, uri or taskId.
std::optional<refusal_reason> check_modern_routing(const rpc::message& msg, const mcp_request& req);

/// The params member a method's Mcp-Name mirrors ("name", "uri", "taskId"), or empty.
std::string_view name_member_of(std::string_view method);

}  // namespace mcprt::actors::front
