// `_meta` lookups; tolerant of absent keys, strict about types.
#include "actors/request_meta.hpp"

namespace mcprt::actors {

const rapidjson::Value* request_meta(const rpc::message& msg) {
  return msg.params ? find_member(*msg.params, "_meta") : nullptr;
}

std::string progress_token_of(const rapidjson::Value* meta) {
  if (meta == nullptr) {
    return {};
  }
  auto* token = find_member(*meta, meta_key::progress_token);
  if (token == nullptr || !(token->IsString() || token->IsInt64() || token->IsUint64())) {
    return {};
  }
  return to_json(*token);
}

log_level requested_log_level(const rapidjson::Value* meta) {
  log_level parsed = log_level::off;
  if (meta != nullptr) {
    if (auto level = string_member(*meta, meta_key::log_level)) {
      if (!parse_log_level(*level, parsed)) {
        parsed = log_level::off;
      }
    }
  }
  return parsed;
}

const std::string& supported_versions_json() {
  static const std::string json = [] {
    std::string out = "[";
    for (size_t i = 0; i < advertised_versions.size(); ++i) {
      out += (i > 0 ? "," : "") + quote(advertised_versions[i]);
    }
    return out + "]";
  }();
  return json;
}

std::string unsupported_version_data(std::string_view requested) {
  return R"({"supported":)" + supported_versions_json() + R"(,"requested":)" + quote(requested) +
         "}";
}

bool has_client_capabilities(const rapidjson::Value* meta) {
  auto* caps = meta != nullptr ? find_member(*meta, meta_key::client_capabilities) : nullptr;
  return caps != nullptr && caps->IsObject();
}

}  // namespace mcprt::actors
