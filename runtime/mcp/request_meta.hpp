// Reading a request's `_meta` (the 2026-07-28 envelope keys, the progress token, the requested
// log level) and the version lists answered to it. Shared by every transport's MCP front (HTTP
// endpoint, stdio peer).
#pragma once

#include <optional>
#include <string>

#include "runtime/codec/json_rpc.hpp"
#include "runtime/mcp/protocol.hpp"
#include "runtime/mcp/request_info.hpp"

namespace mcprt {
inline namespace mcp {

/// The request's `_meta` object, or nullptr.
const rapidjson::Value* request_meta(const rpc::message& msg);

/// JSON text of `_meta.progressToken` (a string or an integer), or empty.
std::string progress_token_of(const rapidjson::Value* meta);

/// `_meta["io.modelcontextprotocol/logLevel"]` when valid, else `log_level::off` (2026-07-28
/// log notifications are opt-in per request).
log_level requested_log_level(const rapidjson::Value* meta);

/// The versions mcprt speaks as a JSON array, newest first (server/discover, -32022 data).
const std::string& supported_versions_json();

/// `data` of an UnsupportedProtocolVersion error: `{"supported":[...],"requested":"..."}`.
std::string unsupported_version_data(std::string_view requested);

/// True when `_meta` carries an object `io.modelcontextprotocol/clientCapabilities`.
bool has_client_capabilities(const rapidjson::Value* meta);

/// What a client's `capabilities` object says it can answer (sampling, elicitation, roots).
client_caps client_caps_from(const rapidjson::Value* capabilities);
/// The same from the object's JSON text (a 2025 session keeps its initialize capabilities).
client_caps client_caps_from_json(const std::string& capabilities_json);
/// The capabilities a 2026-07-28 request declares in its `_meta`.
client_caps client_caps_of(const rapidjson::Value* meta);

/// Fills a 2026-07-28 request's capabilities and, for the methods that may take several
/// rounds (tools/call, prompts/get, resources/read), its checked `inputResponses` and verified
/// `requestState`; the -32602 error to answer when either is malformed or altered.
std::optional<rpc_error> read_modern_inputs(const rpc::message& msg, request_info& info);

}  // namespace mcp
}  // namespace mcprt
