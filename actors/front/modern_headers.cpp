// 2026-07-28 header rules, in the order the conformance suite and docs/conformance.md list them.
#include "actors/front/modern_headers.hpp"

#include <string>

#include "actors/dispatch/method_table.hpp"
#include "runtime/codec/base64.hpp"
#include "runtime/codec/json.hpp"
#include "runtime/mcp/protocol.hpp"
#include "runtime/mcp/request_meta.hpp"

namespace mcprt::actors::front {

namespace {

refusal_reason mismatch(std::string message) {
  return {400, make_error(rpc_code::header_mismatch, std::move(message))};
}

}  // namespace

std::string_view name_member_of(std::string_view method) {
  const auto* entry = dispatch::method_table::builtin().find(method, era::modern);
  return entry != nullptr ? entry->name_member : std::string_view{};
}

std::optional<refusal_reason> check_modern_version(const mcp_request& req,
                                                   const rapidjson::Value* body_version) {
  if (!req.has_protocol_version) {
    return mismatch("Header mismatch: the MCP-Protocol-Version header is required");
  }
  if (!is_supported_version(req.protocol_version)) {
    return refusal_reason{
        400, rpc_error{rpc_code::unsupported_protocol_version, "Unsupported protocol version",
                       unsupported_version_data(req.protocol_version)}};
  }
  if (body_version == nullptr || !body_version->IsString()) {
    // The body is malformed rather than disagreeing with its header: Invalid params.
    return refusal_reason{400, make_error(rpc_code::invalid_params,
                                          "Invalid params: params._meta needs a string \"" +
                                              std::string(meta_key::protocol_version) + "\"")};
  }
  std::string_view declared(body_version->GetString(), body_version->GetStringLength());
  if (declared != req.protocol_version) {
    return mismatch("Header mismatch: MCP-Protocol-Version header value '" + req.protocol_version +
                    "' does not match body value '" + std::string(declared) + "'");
  }
  if (!is_modern_version(declared)) {
    return refusal_reason{400, rpc_error{rpc_code::unsupported_protocol_version,
                                         "Unsupported protocol version: " + std::string(declared) +
                                             " needs an initialize handshake",
                                         unsupported_version_data(declared)}};
  }
  return std::nullopt;
}

std::optional<refusal_reason> check_modern_routing(const rpc::message& msg,
                                                   const mcp_request& req) {
  if (!req.has_mcp_method) {
    return mismatch("Header mismatch: the Mcp-Method header is required");
  }
  if (req.mcp_method != msg.method) {
    return mismatch("Header mismatch: Mcp-Method header value '" + req.mcp_method +
                    "' does not match body value '" + msg.method + "'");
  }
  auto member = name_member_of(msg.method);
  if (member.empty()) {
    return std::nullopt;
  }
  if (!req.has_mcp_name) {
    return mismatch("Header mismatch: the Mcp-Name header is required for " + msg.method);
  }
  auto header_name = decode_header_value(req.mcp_name);
  if (!header_name) {
    return mismatch("Header mismatch: Mcp-Name holds invalid base64");
  }
  auto body_name = msg.params ? string_member(*msg.params, member) : std::nullopt;
  if (!body_name || *body_name != *header_name) {
    return mismatch("Header mismatch: Mcp-Name header value '" + *header_name +
                    "' does not match body value '" + std::string(body_name.value_or("")) + "'");
  }
  return std::nullopt;
}

}  // namespace mcprt::actors::front
