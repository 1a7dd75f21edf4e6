// The headers MCP gives a meaning to, read once from the transport's request: the HTTP
// front's view of a request. The transport knows none of these names.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/auth/principal.hpp"
#include "runtime/io/http_exchange.hpp"

namespace mcprt::actors::front {

/// One HTTP request with its MCP headers read out.
struct mcp_request {
  std::string method;  ///< "GET", "POST", ...
  std::string path;
  std::string query;
  std::string host, origin, accept, content_type;
  std::string session_id;        ///< Mcp-Session-Id
  std::string protocol_version;  ///< MCP-Protocol-Version
  std::string mcp_method;        ///< Mcp-Method
  std::string mcp_name;          ///< Mcp-Name
  std::string last_event_id;     ///< Last-Event-ID
  std::string authorization;     ///< Authorization (read by the gate only)
  std::string client_subject;    ///< The verified TLS client certificate's subject, or empty.
  /// `Mcp-Param-{Name}` headers (SEP-2243): {Name} as sent, and the value.
  std::vector<std::pair<std::string, std::string>> mcp_params;
  bool has_protocol_version = false, has_mcp_method = false, has_mcp_name = false;
  bool has_origin = false, has_session_id = false, has_last_event_id = false;
  bool has_authorization = false;
  std::string body;
  principal caller;  ///< Who the gate says is calling (anonymous without auth).
  /// Relayed here by the node that received it (never relayed again).
  bool forwarded = false;
  /// Relayed here from a pipe (WebSocket, HTTP+SSE): a message with no HTTP headers of its own,
  /// so the 2026 routing headers (Mcp-Method, Mcp-Name, Mcp-Param-*) are not checked.
  bool from_pipe = false;
};

/// The header a node adds to a request it relays from a pipe (honoured only from a peer).
inline constexpr std::string_view relayed_from_pipe_header = "Mcp-Relayed-From-Pipe";

/// Reads the MCP headers out of `request` (its body is moved along).
mcp_request read_mcp_request(http_request&& request);

/// The request as another node needs it to serve it (the owner of its session or task): the
/// MCP headers, never the credential (the caller travels separately).
http_request forwardable(const mcp_request& r);

}  // namespace mcprt::actors::front
