// The server's own log: lower-case lines with key=value context on stderr.
// Not MCP logging (that is notifications/message, see responder).
#pragma once

#include <string_view>

#include "runtime/mcp/protocol.hpp"
#include "runtime/observe/log_line.hpp"

namespace mcprt {
inline namespace observe {
namespace log {

/// Sets the lowest level written.
void set_level(log_level level);
/// Sets the line format (log.format): text or one JSON object per line.
void set_format(log_format format);
/// True when `level` would be written.
bool enabled(log_level level);
/// Writes one line: `<time> <level> <message>`.
void write(log_level level, std::string_view message);

inline void debug(std::string_view m) {
  write(log_level::debug, m);
}
inline void info(std::string_view m) {
  write(log_level::info, m);
}
inline void warn(std::string_view m) {
  write(log_level::warning, m);
}
inline void error(std::string_view m) {
  write(log_level::error, m);
}

}  // namespace log
}  // namespace observe
}  // namespace mcprt
