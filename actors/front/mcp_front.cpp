// The transport-neutral steps of the MCP front.
#include "actors/front/mcp_front.hpp"

#include <string>

#include "actors/dispatch/dispatcher.hpp"
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
  if (auto bad = read_modern_inputs(msg, info)) {
    return *bad;
  }
  return info;
}

void serve(const rpc::message& msg, const responder& out, const session::node_context& node) {
  auto env = dispatch::env_of(node);
  if (!dispatch::dispatch(msg, out, env)) {
    out.error(make_error(rpc_code::method_not_found, "Method not found: " + msg.method));
  }
}

}  // namespace mcprt::actors::front
