// Log level names of MCP logging.
#include "runtime/mcp/protocol.hpp"

namespace mcprt {
inline namespace mcp {

namespace {
constexpr std::array<std::string_view, 9> level_names = {
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency", "off"};
}  // namespace

bool parse_log_level(std::string_view name, log_level& out) {
  for (size_t i = 0; i + 1 < level_names.size(); ++i) {
    if (level_names[i] == name) {
      out = static_cast<log_level>(i);
      return true;
    }
  }
  return false;
}

std::string_view to_string(log_level level) {
  return level_names[static_cast<size_t>(level)];
}

}  // namespace mcp
}  // namespace mcprt
