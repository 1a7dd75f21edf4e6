// The access log (log.access): one line per answered request, with what an operator needs to
// find it again and nothing a client sent as content (no arguments, no results, no token).
#pragma once

#include "runtime/mcp/request_info.hpp"

namespace mcprt {
inline namespace observe {
namespace log {

/// Turns the access log on or off (at start and on SIGHUP).
void set_access(bool on);
/// Writes `access method=... tool=... status=... duration_ms=... principal=... transport=...
/// version=... trace_id=...` at info level when the access log is on.
void access(const request_info& info, outcome how, double seconds);

}  // namespace log
}  // namespace observe
}  // namespace mcprt
