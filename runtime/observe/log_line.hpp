// One log line in either format (log.format): text, `<time> <level> <message>`; or JSON, one
// object per line whose `msg` is the message's leading words and whose other members are its
// `key=value` pairs (a value may be "quoted"), for log shippers that index fields.
#pragma once

#include <string>
#include <string_view>

#include "runtime/mcp/protocol.hpp"

namespace mcprt {
inline namespace observe {

enum class log_format { text, json };

/// `time` (UTC, ISO 8601), `level` and `message` as one line, newline included.
std::string format_log_line(log_format format, std::string_view time, log_level level,
                            std::string_view message);

}  // namespace observe
}  // namespace mcprt
