#include "runtime/observe/access_log.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>

#include "runtime/observe/log.hpp"
#include "runtime/observe/operation_metrics.hpp"

namespace mcprt {
inline namespace observe {
namespace log {

namespace {

std::atomic<bool> access_on{false};

std::string_view wire_name(wire w) {
  switch (w) {
    case wire::http:
      return "http";
    case wire::websocket:
      return "websocket";
    case wire::legacy_sse:
      return "sse";
    case wire::stdio:
      break;
  }
  return "stdio";
}

std::string status_of(const request_info& info, outcome how) {
  switch (how) {
    case outcome::ok:
      return "ok";
    case outcome::tool_error:
      return "tool_error";
    case outcome::cancelled:
      return "cancelled";
    case outcome::timeout:
      return "timeout";
    case outcome::error:
      break;
  }
  return info.error_code != 0 ? std::to_string(info.error_code) : "error";
}

}  // namespace

void set_access(bool on) {
  access_on.store(on, std::memory_order_relaxed);
}

void access(const request_info& info, outcome how, double seconds) {
  if (!access_on.load(std::memory_order_relaxed) || !enabled(log_level::info)) {
    return;
  }
  char took[32];
  std::snprintf(took, sizeof took, "%.3f", seconds * 1000);
  // Values are single tokens: the method is one MCP defines (else "other"), the target a name
  // the catalog holds, the principal mcprt's own rendering.
  std::string line = "access method=" + std::string(method_label(info.method));
  if (!info.target.empty()) {
    line += (info.method == "prompts/get" ? " prompt=" : " tool=") + info.target;
  }
  line += " status=" + status_of(info, how) + " duration_ms=" + took;
  auto who = info.caller.anonymous() ? std::string("-") : info.caller.display();
  std::replace(who.begin(), who.end(), ' ', '_');  // A certificate subject has spaces.
  line += " principal=" + who;
  line += " transport=" + std::string(wire_name(info.wire));
  if (!info.version.empty()) {
    line += " version=" + info.version;
  }
  if (auto trace = info.trace.trace_id(); !trace.empty()) {
    line += " trace_id=" + std::string(trace);
  }
  write(log_level::info, line);
}

}  // namespace log
}  // namespace observe
}  // namespace mcprt
