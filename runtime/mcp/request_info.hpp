// What a request is, as the handlers that answer it need to know: era, version, id, method,
// the client's declared capabilities, and how it ended. Pure data, shared by every room.
#pragma once

#include <string>

#include "runtime/auth/principal.hpp"
#include "runtime/codec/json.hpp"
#include "runtime/mcp/protocol.hpp"
#include "runtime/mcp/trace_context.hpp"

namespace mcprt {
inline namespace mcp {

/// Which requests the client said it can answer (its declared capabilities).
struct client_caps {
  bool sampling = false;
  bool elicitation = false;
  bool roots = false;
  bool tasks =
      false;  ///< 2026-07-28: declares the tasks extension (io.modelcontextprotocol/tasks).
};

/// How the request reached the server (the `network.*` attributes of its metrics).
enum class wire { http, websocket, legacy_sse, stdio };

/// What a request is, as the handlers that answer it need to know.
struct request_info {
  request_info() = default;
  request_info(mcprt::era e, std::string v, std::string request_id, std::string m,
               std::string token = {}, log_level min = log_level::off)
      : era(e),
        version(std::move(v)),
        id(std::move(request_id)),
        method(std::move(m)),
        progress_token(std::move(token)),
        min_log(min) {}

  mcprt::era era = era::modern;
  std::string version;         ///< Negotiated (legacy) or declared (modern) protocol version.
  std::string id;              ///< JSON text of the request id.
  std::string method;          ///< The JSON-RPC method.
  std::string progress_token;  ///< JSON text of `_meta.progressToken`, empty when absent.
  log_level min_log = log_level::off;  ///< Log notifications below this level are dropped.
  client_caps caps;                    ///< 2026-07-28: from `_meta` clientCapabilities.
  json_ref input_responses;   ///< 2026-07-28 MRTR: `params.inputResponses` (checked), or empty.
  std::string request_state;  ///< 2026-07-28 MRTR: the verified `requestState` payload, or empty.
  std::string session_id;     ///< The 2025 session asking (adapter affinity), or empty.
  principal caller;           ///< Who asks (anonymous without auth); never holds the token.
  mcprt::wire wire = wire::http;  ///< The transport it came on.
  trace_context trace;            ///< W3C trace context from `_meta`, passed on to workers.
  /// The tool or prompt a tools/call or prompts/get named, once found in the catalog (so
  /// metrics label only names the server serves); empty otherwise.
  std::string target;
  int error_code = 0;  ///< The JSON-RPC error code it was answered with, or 0.
};

/// How a request ended, for metrics.
enum class outcome { ok, tool_error, error, timeout, cancelled };

}  // namespace mcp
}  // namespace mcprt
