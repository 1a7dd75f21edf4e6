// JSON-RPC codes in CAF's error type: CAF 0.17 codes are one byte, so a code travels as its
// index in the table below.
#include "runtime/api/mcp_errors.hpp"

#include <array>
#include <caf/message.hpp>
#include <utility>

namespace mcprt {
inline namespace api {

namespace {

constexpr std::array<std::pair<rpc_code, std::string_view>, 13> codes = {{
    {rpc_code::parse_error, "parse_error"},
    {rpc_code::invalid_request, "invalid_request"},
    {rpc_code::method_not_found, "method_not_found"},
    {rpc_code::invalid_params, "invalid_params"},
    {rpc_code::internal_error, "internal_error"},
    {rpc_code::legacy_bad_request, "bad_request"},
    {rpc_code::session_not_found, "session_not_found"},
    {rpc_code::resource_not_found, "resource_not_found"},
    {rpc_code::header_mismatch, "header_mismatch"},
    {rpc_code::missing_client_capability, "missing_client_capability"},
    {rpc_code::unsupported_protocol_version, "unsupported_protocol_version"},
    {rpc_code::server_overloaded, "server_overloaded"},
    {rpc_code::request_timeout, "request_timeout"},
}};

// Index + 1: CAF reads code 0 as "no error".
uint8_t index_of(rpc_code code) {
  for (size_t i = 0; i < codes.size(); ++i) {
    if (codes[i].first == code) {
      return static_cast<uint8_t>(i + 1);
    }
  }
  return index_of(rpc_code::internal_error);
}

std::string context_of(const caf::message& context) {
  return context.match_elements<std::string>() ? context.get_as<std::string>(0) : std::string();
}

}  // namespace

std::string_view rpc_code_name(rpc_code code) {
  for (const auto& [c, name] : codes) {
    if (c == code) {
      return name;
    }
  }
  return "unknown";
}

caf::error to_caf_error(rpc_code code, std::string message) {
  return caf::error(index_of(code), mcp_error_category, caf::make_message(std::move(message)));
}

rpc_error to_rpc_error(const caf::error& error, const std::string& rendered) {
  if (error.category() == mcp_error_category && error.code() >= 1 && error.code() <= codes.size()) {
    return rpc_error{codes[error.code() - 1].first, context_of(error.context()), {}};
  }
  return rpc_error{
      rpc_code::internal_error, rendered.empty() ? std::string("Internal error") : rendered, {}};
}

void register_mcp_errors(caf::actor_system_config& cfg) {
  cfg.add_error_category(mcp_error_category, [](uint8_t code, caf::atom_value,
                                                const caf::message& context) {
    std::string out = "mcp: ";
    out += code >= 1 && code <= codes.size() ? codes[code - 1].second : std::string_view("unknown");
    if (auto text = context_of(context); !text.empty()) {
      out += " (" + text + ")";
    }
    return out;
  });
}

}  // namespace api
}  // namespace mcprt
