// The answer side of resources/read and prompts/get for plugins: serialization and the
// not-found error each protocol era defines (-32002 in 2025, -32602 in 2026-07-28).
#include "runtime/api/plugin_api.hpp"

namespace mcprt {
inline namespace api {

std::string resource_contents::to_json() const {
  std::string out = R"({"uri":)" + quote(uri);
  if (!mime_type.empty()) {
    out += R"(,"mimeType":)" + quote(mime_type);
  }
  out += is_blob ? R"(,"blob":)" : R"(,"text":)";
  out += quote(text);
  out += '}';
  return out;
}

void resource_request::finish(const std::vector<resource_contents>& contents) const {
  std::string result = R"({"contents":[)";
  for (size_t i = 0; i < contents.size(); ++i) {
    result += (i > 0 ? "," : "") + contents[i].to_json();
  }
  result += ']';
  if (out_.info().era == era::modern) {
    // Reads are not cacheable by default: contents may change or differ per caller.
    result += R"(,"ttlMs":0,"cacheScope":"private")";
  }
  result += '}';
  out_.result(result);
}

void resource_request::not_found() const {
  bool modern = out_.info().era == era::modern;
  out_.error(rpc_error{modern ? rpc_code::invalid_params : rpc_code::resource_not_found,
                       "Resource not found", R"({"uri":)" + quote(uri_) + "}"});
}

void prompt_request::finish(const std::vector<std::string>& messages,
                            std::string_view description) const {
  std::string result = "{";
  if (!description.empty()) {
    result += R"("description":)" + quote(description) + ",";
  }
  result += R"("messages":[)";
  for (size_t i = 0; i < messages.size(); ++i) {
    result += (i > 0 ? "," : "") + messages[i];
  }
  result += "]}";
  out_.result(result);
}

namespace prompt_message {

std::string user(std::string_view content) {
  return R"({"role":"user","content":)" + std::string(content) + "}";
}

std::string assistant(std::string_view content) {
  return R"({"role":"assistant","content":)" + std::string(content) + "}";
}

}  // namespace prompt_message

}  // namespace api
}  // namespace mcprt
