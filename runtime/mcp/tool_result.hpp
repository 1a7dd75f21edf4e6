// What a tool returns, and builders for MCP content blocks. Pure JSON text; no actors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mcprt {
inline namespace mcp {

/// A `CallToolResult`: content blocks, optional structured content, and the error flag that
/// marks a tool execution error (seen by the model) as opposed to a protocol error.
struct tool_result {
  std::vector<std::string> content;  ///< Serialized content blocks.
  std::string structured_json;       ///< `structuredContent`, empty when absent.
  bool is_error = false;

  /// The result object as JSON text.
  std::string to_json() const;
  /// Writes the same object at the end of `out` (an answer's envelope built around it).
  void append_json(std::string& out) const;
  /// The length of that object, give or take a few bytes: what to reserve for it.
  size_t json_size() const;
};

/// Content block builders; every argument is plain text and is escaped here.
namespace content {
std::string text(std::string_view text);
std::string image(std::string_view base64_data, std::string_view mime_type);
std::string audio(std::string_view base64_data, std::string_view mime_type);
std::string embedded_text_resource(std::string_view uri, std::string_view mime_type,
                                   std::string_view text);
}  // namespace content

/// One text block.
tool_result text_result(std::string_view text);
/// One text block flagged `isError: true`.
tool_result error_result(std::string_view text);

}  // namespace mcp
}  // namespace mcprt
