// `_meta` lookups; tolerant of absent keys, strict about types.
#include "runtime/mcp/request_meta.hpp"

#include "runtime/codec/json_parse.hpp"
#include "runtime/mcp/request_state.hpp"

namespace mcprt {
inline namespace mcp {

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

client_caps client_caps_from(const rapidjson::Value* capabilities) {
  client_caps c;
  if (capabilities == nullptr || !capabilities->IsObject()) {
    return c;
  }
  auto has = [capabilities](const char* name) {
    auto* v = find_member(*capabilities, name);
    return v != nullptr && v->IsObject();
  };
  c.sampling = has("sampling");
  c.elicitation = has("elicitation");
  c.roots = has("roots");
  if (auto* ext = find_member(*capabilities, "extensions"); ext != nullptr && ext->IsObject()) {
    auto* tasks = find_member(*ext, tasks_extension);
    c.tasks = tasks != nullptr && tasks->IsObject();
  }
  return c;
}

client_caps client_caps_from_json(const std::string& capabilities_json) {
  rapidjson::Document d;
  bool bad = parse_json(d, capabilities_json).has_value();
  return client_caps_from(bad ? nullptr : &d);
}

client_caps client_caps_of(const rapidjson::Value* meta) {
  return client_caps_from(meta != nullptr ? find_member(*meta, meta_key::client_capabilities)
                                          : nullptr);
}

std::optional<rpc_error> read_modern_inputs(const rpc::message& msg, request_info& info) {
  const auto* meta = request_meta(msg);
  info.caps = client_caps_of(meta);
  bool mrtr =
      msg.method == "tools/call" || msg.method == "prompts/get" || msg.method == "resources/read";
  if (!mrtr || !msg.params) {
    return std::nullopt;
  }
  auto responses = msg.params.member("inputResponses");
  if (responses && !responses->IsNull()) {
    bool ok = responses->IsObject();
    if (ok) {
      for (const auto& m : responses->GetObject()) {
        ok = ok && m.value.IsObject();
      }
    }
    if (!ok) {
      return invalid_params(
          "Invalid params: \"inputResponses\" must map each input request's key to the "
          "client's result object");
    }
    info.input_responses = responses;
  }
  if (auto* state = find_member(*msg.params, "requestState")) {
    auto payload =
        state->IsString()
            ? request_state::open(std::string_view(state->GetString(), state->GetStringLength()),
                                  info.caller.owner())
            : std::nullopt;
    if (!payload) {
      return invalid_params(
          "Invalid params: \"requestState\" failed its integrity check (altered, from "
          "another server or run, or sealed for another caller); start the request over "
          "without it");
    }
    info.request_state = std::move(*payload);
  }
  return std::nullopt;
}

}  // namespace mcp
}  // namespace mcprt
