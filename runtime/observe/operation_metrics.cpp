#include "runtime/observe/operation_metrics.hpp"

#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <map>

namespace mcprt {
inline namespace observe {

namespace {

constexpr std::array<std::string_view, 21> known_methods = {"tasks/get",
                                                            "tasks/result",
                                                            "tasks/list",
                                                            "tasks/cancel",
                                                            "tasks/update",
                                                            "initialize",
                                                            "ping",
                                                            "tools/list",
                                                            "tools/call",
                                                            "server/discover",
                                                            "logging/setLevel",
                                                            "resources/list",
                                                            "resources/read",
                                                            "prompts/list",
                                                            "prompts/get",
                                                            "completion/complete",
                                                            "resources/templates/list",
                                                            "resources/subscribe",
                                                            "resources/unsubscribe",
                                                            "subscriptions/listen",
                                                            "other"};

// Past this many label sets a new tool or prompt name is labelled "other" (names come from the
// catalog only, but plugins may add tools at run time).
constexpr size_t most_series = 4096;

std::string_view version_label(std::string_view v) {
  return v.empty() || is_supported_version(v) ? v : std::string_view("other");
}

std::string_view transport_label(wire w) {
  return w == wire::stdio ? "pipe" : "tcp";
}

std::string_view protocol_label(wire w) {
  switch (w) {
    case wire::http:
    case wire::legacy_sse:
      return "http";
    case wire::websocket:
      return "websocket";
    case wire::stdio:
      break;
  }
  return "";
}

}  // namespace

std::string error_label(const request_info& info, outcome how) {
  switch (how) {
    case outcome::ok:
      return {};
    case outcome::tool_error:
      return "tool_error";
    case outcome::cancelled:
      return "cancelled";
    case outcome::timeout:
    case outcome::error:
      break;
  }
  return info.error_code != 0 ? std::to_string(info.error_code)
                              : std::string(how == outcome::timeout ? "timeout" : "_OTHER");
}

namespace {

std::vector<double> buckets_to(double longest) {
  // The conventions' advice (10 ms to 300 s) with the sub-millisecond steps mcprt's own
  // answers take, then the request timeout when it lies beyond.
  std::vector<double> b = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1,
                           0.2,    0.5,     1,      2,     5,      10,    30,   60,   120,  300};
  if (longest > b.back()) {
    b.push_back(longest);
  }
  return b;
}

}  // namespace

std::span<const std::string_view> method_labels() {
  return known_methods;
}

std::string_view method_label(std::string_view method) {
  for (auto m : known_methods) {
    if (m == method) {
      return m;
    }
  }
  return "other";
}

operation_metrics::operation_metrics(prometheus::Registry& registry, double longest_seconds)
    : operations_(prometheus::BuildHistogram()
                      .Name("mcp_server_operation_duration_seconds")
                      .Help("MCP request duration as observed on the server, from receipt until "
                            "the result or error is sent (OpenTelemetry "
                            "mcp.server.operation.duration)")
                      .Register(registry)),
      sessions_(prometheus::BuildHistogram()
                    .Name("mcp_server_session_duration_seconds")
                    .Help("Duration of 2025 MCP sessions as observed on the server (OpenTelemetry "
                          "mcp.server.session.duration)")
                    .Register(registry)),
      buckets_(buckets_to(longest_seconds)) {}

void operation_metrics::operation(const request_info& info, outcome how, double seconds) {
  auto method = method_label(info.method);
  auto error = error_label(info, how);
  bool tool = method == "tools/call", prompt = method == "prompts/get";
  std::string_view target = tool || prompt ? std::string_view(info.target) : std::string_view();
  auto version = version_label(info.version);
  // The label set's key, built in a buffer each thread keeps: no allocation per request.
  thread_local std::string key;
  key.clear();
  key.append(method).append("\n").append(target).append("\n").append(error).append("\n");
  key.append(version).append("\n").append(protocol_label(info.wire));
  prometheus::Histogram* series = nullptr;
  {
    std::lock_guard<std::mutex> g(mutex_);
    auto it = series_.find(key);
    if (it == series_.end()) {
      if (series_.size() >= most_series) {
        target = target.empty() ? target : "other";
      }
      std::map<std::string, std::string> labels = {
          {"mcp_method_name", std::string(method)},
          {"mcp_protocol_version", std::string(version)},
          {"network_transport", std::string(transport_label(info.wire))},
          {"network_protocol_name", std::string(protocol_label(info.wire))},
          {"error_type", error},
          {"rpc_response_status_code", info.error_code != 0 && how != outcome::tool_error
                                           ? std::to_string(info.error_code)
                                           : std::string()}};
      if (tool) {
        labels.emplace("gen_ai_tool_name", std::string(target));
        labels.emplace("gen_ai_operation_name", "execute_tool");
      } else if (prompt) {
        labels.emplace("gen_ai_prompt_name", std::string(target));
      }
      it = series_.emplace(key, &operations_.Add(labels, buckets_)).first;
    }
    series = it->second;
  }
  series->Observe(seconds);
}

void operation_metrics::session(std::string_view version, wire w, double seconds) {
  sessions_
      .Add({{"mcp_protocol_version", std::string(version_label(version))},
            {"network_transport", std::string(transport_label(w))},
            {"network_protocol_name", std::string(protocol_label(w))}},
           buckets_)
      .Observe(seconds);
}

}  // namespace observe
}  // namespace mcprt
