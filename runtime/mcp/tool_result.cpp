// Serialization of tool results and content blocks.
#include "runtime/mcp/tool_result.hpp"

#include "runtime/codec/json.hpp"

namespace mcprt {
inline namespace mcp {

std::string tool_result::to_json() const {
  std::string out;
  out.reserve(json_size());  // One copy of each block, no regrowth.
  append_json(out);
  return out;
}

size_t tool_result::json_size() const {
  size_t size = 64 + structured_json.size();
  for (const auto& c : content) {
    size += c.size() + 1;
  }
  return size;
}

void tool_result::append_json(std::string& out) const {
  out += R"({"content":[)";
  for (size_t i = 0; i < content.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += content[i];
  }
  out += ']';
  if (!structured_json.empty()) {
    out += R"(,"structuredContent":)";
    out += structured_json;
  }
  if (is_error) {
    out += R"(,"isError":true)";
  }
  out += '}';
}

namespace content {

std::string text(std::string_view text) {
  // Built in place: a results chunk is quoted once into its block, not copied again.
  constexpr std::string_view head = R"({"type":"text","text":)";
  std::string out;
  out.reserve(head.size() + text.size() + text.size() / 16 + 3);
  out += head;
  quote_into(out, text);
  out += '}';
  return out;
}

std::string image(std::string_view data, std::string_view mime_type) {
  return R"({"type":"image","data":)" + quote(data) + R"(,"mimeType":)" + quote(mime_type) + "}";
}

std::string audio(std::string_view data, std::string_view mime_type) {
  return R"({"type":"audio","data":)" + quote(data) + R"(,"mimeType":)" + quote(mime_type) + "}";
}

std::string embedded_text_resource(std::string_view uri, std::string_view mime_type,
                                   std::string_view text) {
  return R"({"type":"resource","resource":{"uri":)" + quote(uri) + R"(,"mimeType":)" +
         quote(mime_type) + R"(,"text":)" + quote(text) + "}}";
}

}  // namespace content

tool_result text_result(std::string_view text) {
  return tool_result{{content::text(text)}, {}, false};
}

tool_result error_result(std::string_view text) {
  return tool_result{{content::text(text)}, {}, true};
}

}  // namespace mcp
}  // namespace mcprt
