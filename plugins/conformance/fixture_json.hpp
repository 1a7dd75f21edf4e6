// JSON helpers the 2026 fixtures share: input requests they ask and the answers they read.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/api/plugin_api.hpp"

namespace mcprt::plugins::conformance {

inline std::string elicit_request(std::string_view message, std::string_view field,
                                  std::string_view type = "string") {
  return R"({"method":"elicitation/create","params":{"message":)" + quote(message) +
         R"(,"requestedSchema":{"type":"object","properties":{)" + quote(field) + R"(:{"type":)" +
         quote(type) + R"(}},"required":[)" + quote(field) + "]}}}";
}

// The client's result for input `key`, if it sent one.
inline const rapidjson::Value* response(const tool_invocation& c, std::string_view key) {
  return c.input_responses() ? find_member(*c.input_responses(), key) : nullptr;
}

// `content.<field>` of an elicitation result, as text.
inline std::string elicited(const rapidjson::Value* r, std::string_view field) {
  auto* content = r != nullptr ? find_member(*r, "content") : nullptr;
  auto v = content != nullptr ? string_member(*content, field) : std::nullopt;
  return std::string(v.value_or("unknown"));
}

inline std::string object_of(
    std::initializer_list<std::pair<std::string_view, std::string>> entries) {
  std::string out = "{";
  for (const auto& [key, value] : entries) {
    out += (out.size() > 1 ? "," : "") + quote(key) + ":" + value;
  }
  return out + "}";
}

}  // namespace mcprt::plugins::conformance
