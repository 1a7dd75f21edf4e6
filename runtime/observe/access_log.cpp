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
  auto status = error_label(info, how);  // The metric's error_type: one vocabulary for both.
  line += " status=" + (status.empty() ? std::string("ok") : status) + " duration_ms=" + took;
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
