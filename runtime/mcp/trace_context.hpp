// W3C Trace Context as MCP carries it: `traceparent`, `tracestate` and `baggage` in a request's
// `params._meta` (SEP-414; the OpenTelemetry MCP conventions). Read once at the front door, it
// travels with the request to plugins, adapter workers and log lines.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace mcprt {
inline namespace mcp {

struct trace_context {
  std::string traceparent;  ///< `00-<trace id>-<parent id>-<flags>`, or empty.
  std::string tracestate;   ///< Vendor entries, kept only with a valid traceparent.
  std::string baggage;      ///< W3C Baggage, passed on as given (bounded).

  bool empty() const { return traceparent.empty() && baggage.empty(); }
  /// The 32 hex digits of the trace id, or empty.
  std::string_view trace_id() const {
    return traceparent.size() == 55 ? std::string_view(traceparent).substr(3, 32)
                                    : std::string_view();
  }
  /// `,"traceparent":"...",...` for the members present: appended inside a `_meta` object.
  std::string meta_members() const;
};

/// The trace context of a request's `_meta` (nullptr: none). A malformed `traceparent` is
/// dropped with its `tracestate` (W3C: start a new trace); over-long values are dropped.
trace_context trace_context_of(const rapidjson::Value* meta);

}  // namespace mcp
}  // namespace mcprt
