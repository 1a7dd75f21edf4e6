// MCP's header names, in one place.
#include "actors/front/mcp_request.hpp"

#include <string_view>

namespace mcprt::actors::front {

namespace {

constexpr std::string_view param_prefix = "mcp-param-";

}  // namespace

mcp_request read_mcp_request(http_request&& request) {
  mcp_request r;
  r.method = std::move(request.method);
  r.path = std::move(request.path);
  r.query = std::move(request.query);
  r.client_subject = std::move(request.client_subject);
  // One pass; values move out of the request (the first of a repeated header wins).
  bool has_host = false;
  bool has_accept = false;
  bool has_content_type = false;
  for (auto& field : request.headers) {
    // Named references, not a structured binding: a lambda captures these (C++20 clang).
    auto& name = field.first;
    auto& value = field.second;
    auto take = [&](std::string_view known, std::string& out, bool* present) {
      if (!same_header_name(name, known)) {
        return false;
      }
      if (!*present) {
        out = std::move(value);
        *present = true;
      }
      return true;
    };
    bool known = take("Host", r.host, &has_host) || take("Origin", r.origin, &r.has_origin) ||
                 take("Accept", r.accept, &has_accept) ||
                 take("Content-Type", r.content_type, &has_content_type) ||
                 take("Mcp-Session-Id", r.session_id, &r.has_session_id) ||
                 take("MCP-Protocol-Version", r.protocol_version, &r.has_protocol_version) ||
                 take("Mcp-Method", r.mcp_method, &r.has_mcp_method) ||
                 take("Mcp-Name", r.mcp_name, &r.has_mcp_name) ||
                 take("Last-Event-ID", r.last_event_id, &r.has_last_event_id) ||
                 take("Authorization", r.authorization, &r.has_authorization);
    if (!known && name.size() > param_prefix.size() &&
        same_header_name(std::string_view(name).substr(0, param_prefix.size()), param_prefix)) {
      r.mcp_params.emplace_back(name.substr(param_prefix.size()), std::move(value));
    }
  }
  r.body = std::move(request.body);
  return r;
}

http_request forwardable(const mcp_request& r) {
  http_request out;
  out.method = r.method;
  out.path = r.path;
  out.query = r.query;
  out.body = r.body;
  auto add = [&](std::string_view name, const std::string& value, bool present) {
    if (present) {
      out.headers.emplace_back(std::string(name), value);
    }
  };
  add("Host", r.host, !r.host.empty());
  add("Origin", r.origin, r.has_origin);
  add("Accept", r.accept, !r.accept.empty());
  add("Content-Type", r.content_type, !r.content_type.empty());
  add("Mcp-Session-Id", r.session_id, r.has_session_id);
  add("MCP-Protocol-Version", r.protocol_version, r.has_protocol_version);
  add("Mcp-Method", r.mcp_method, r.has_mcp_method);
  add("Mcp-Name", r.mcp_name, r.has_mcp_name);
  add("Last-Event-ID", r.last_event_id, r.has_last_event_id);
  for (const auto& [name, value] : r.mcp_params) {
    out.headers.emplace_back(std::string(param_prefix) + name, value);
  }
  return out;
}

}  // namespace mcprt::actors::front
