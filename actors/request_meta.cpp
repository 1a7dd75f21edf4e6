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

bool has_client_capabilities(const rapidjson::Value* meta) {
  auto* caps = meta != nullptr ? find_member(*meta, meta_key::client_capabilities) : nullptr;
  return caps != nullptr && caps->IsObject();
}

}  // namespace mcprt::actors
