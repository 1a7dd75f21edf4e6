// The OpenTelemetry MCP semantic conventions' server metrics, as Prometheus names them:
// mcp.server.operation.duration -> mcp_server_operation_duration_seconds and
// mcp.server.session.duration -> mcp_server_session_duration_seconds, with the conventions'
// attributes as labels (dots become underscores). Every label value comes from a bounded set.
#pragma once

#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "runtime/mcp/request_info.hpp"

namespace prometheus {
class Registry;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace mcprt {
inline namespace observe {

/// `method` when it is one of MCP's, else "other": clients cannot grow a label set.
std::string_view method_label(std::string_view method);
/// OpenTelemetry's error.type of an answer: empty when it succeeded, `tool_error` for a result
/// with isError, `cancelled`, else the JSON-RPC error code (the access log's status too).
std::string error_label(const request_info& info, outcome how);
/// Every value method_label() returns.
std::span<const std::string_view> method_labels();

class operation_metrics {
 public:
  /// `longest_seconds`: the request timeout; the buckets reach at least that far.
  operation_metrics(prometheus::Registry& registry, double longest_seconds);

  /// One request answered (or refused by a handler) after `seconds`.
  void operation(const request_info& info, outcome how, double seconds);
  /// One 2025 session ended after `seconds`.
  void session(std::string_view version, wire w, double seconds);

 private:
  prometheus::Family<prometheus::Histogram>& operations_;
  prometheus::Family<prometheus::Histogram>& sessions_;
  std::vector<double> buckets_;
  std::mutex mutex_;  // Guards series_: I/O threads and actors finish requests concurrently.
  std::unordered_map<std::string, prometheus::Histogram*> series_;
};

}  // namespace observe
}  // namespace mcprt
