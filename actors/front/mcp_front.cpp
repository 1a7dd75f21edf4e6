// The transport-neutral steps of the MCP front.
#include "actors/front/mcp_front.hpp"

#include <string>

#include "actors/dispatch/dispatcher.hpp"
#include "runtime/auth/scopes.hpp"
#include "runtime/mcp/request_meta.hpp"

namespace mcprt::actors::front {

expected<request_info> modern_request(const rpc::message& msg, const rapidjson::Value* meta,
                                      const principal& caller) {
  if (!has_client_capabilities(meta)) {
    return make_error(rpc_code::invalid_params, "Invalid params: params._meta needs an object \"" +
                                                    std::string(meta_key::client_capabilities) +
                                                    "\"");
  }
  request_info info{era::modern, std::string(modern_version), msg.id,
                    msg.method,  progress_token_of(meta),     requested_log_level(meta)};
  info.caller = caller;
  info.trace = trace_context_of(meta);
  if (auto bad = read_modern_inputs(msg, info)) {
    return *bad;
  }
  return info;
}

std::optional<std::vector<std::string>> scopes_lacking(const scope_policy* policy,
                                                       const principal& caller,
                                                       const rpc::message& msg) {
  if (policy == nullptr || caller.anonymous() || msg.type != rpc::kind::request) {
    return std::nullopt;
  }
  std::string_view target;
  if (msg.params && (is_tool_method(msg.method) || is_resource_method(msg.method))) {
    target = string_member(*msg.params, is_tool_method(msg.method) ? "name" : "uri")
                 .value_or(std::string_view());
  }
  if (policy->allows(caller, msg.method, target)) {
    return std::nullopt;  // The common case, without building the list.
  }
  return policy->needed(msg.method, target);
}

rpc_error insufficient_scope_error(const std::vector<std::string>& needed) {
  std::string data = R"({"scopes":[)";
  for (size_t i = 0; i < needed.size(); ++i) {
    data += (i > 0 ? "," : "") + quote(needed[i]);
  }
  return rpc_error{rpc_code::insufficient_scope,
                   "Forbidden: insufficient scope (needs " + join_scopes(needed) + ")",
                   data + "]}"};
}

void serve(const rpc::message& msg, const responder& out, const session::node_context& node) {
  auto env = dispatch::env_of(node);
  if (!dispatch::dispatch(msg, out, env)) {
    out.error(make_error(rpc_code::method_not_found, "Method not found: " + msg.method));
  }
}

}  // namespace mcprt::actors::front
