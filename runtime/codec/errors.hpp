// JSON-RPC and MCP error codes, and the one table that maps them to HTTP statuses.
// Not a place for transport logic: callers decide where the status goes.
#pragma once

#include <string>

namespace mcprt {
inline namespace codec {

/// JSON-RPC 2.0 and MCP error codes mcprt emits.
enum class rpc_code : int {
  parse_error = -32700,
  invalid_request = -32600,
  method_not_found = -32601,
  invalid_params = -32602,
  internal_error = -32603,
  // Legacy (2025) transport errors, as the TypeScript SDK emits them.
  legacy_bad_request = -32000,
  session_not_found = -32001,
  resource_not_found = -32002,
  // Modern (2026-07-28) codes.
  header_mismatch = -32020,
  missing_client_capability = -32021,
  unsupported_protocol_version = -32022,
  // mcprt's own, outside the JSON-RPC reserved range as the spec asks.
  server_overloaded = -31001,
  request_timeout = -31002,
  /// On a pipe (WebSocket, HTTP+SSE), where no HTTP 403 can be sent any more: the caller's
  /// token lacks a scope the request needs; `data.scopes` names all it needs.
  insufficient_scope = -31003,
};

/// A JSON-RPC error object: code, message, and optional `data` as serialized JSON.
struct rpc_error {
  rpc_code code = rpc_code::internal_error;
  std::string message;
  std::string data_json;  ///< Empty when there is no `data` member.
};

/// Makes an error without data.
inline rpc_error make_error(rpc_code code, std::string message) {
  return rpc_error{code, std::move(message), {}};
}

/// A -32602 Invalid params error.
inline rpc_error invalid_params(std::string message) {
  return make_error(rpc_code::invalid_params, std::move(message));
}

/// The HTTP status a JSON-RPC error travels with on Streamable HTTP, per era.
/// Legacy errors inside a valid session go as 200 with the error body, as the SDKs do.
unsigned http_status_for(rpc_code code, bool modern);

}  // namespace codec
}  // namespace mcprt
