// Built on each request: adapter health changes while the node runs.
#include "actors/dispatch/capabilities_doc.hpp"

#include "runtime/mcp/request_meta.hpp"

namespace mcprt::actors::dispatch {

std::string capabilities_document(const node_limits& limits,
                                  const std::vector<std::shared_ptr<adapters::adapter_pool>>& pools,
                                  const std::string& cluster) {
  std::string out =
      R"({"server":{"name":)" + quote(server_name) + R"(,"version":)" + quote(server_version) + "}";
  out += R"(,"protocolVersions":)" + supported_versions_json();
  out += R"(,"transports":["streamable-http","websocket","http+sse","stdio"])";
  out += R"(,"extensions":[)" + quote(tasks_extension) + "]";
  out += R"(,"adapters":[)";
  for (size_t i = 0; i < pools.size(); ++i) {
    out += (i > 0 ? "," : "") + pools[i]->health_json();
  }
  out += "]";
  out += R"(,"limits":{"maxPayloadKb":)" + std::to_string(limits.max_payload_kb) +
         R"(,"maxInflight":)" + std::to_string(limits.max_inflight) + "}";
  out += R"(,"timeouts":{"requestTimeoutMs":)" + std::to_string(limits.request_timeout_ms) +
         R"(,"jobTimeoutMs":)" + std::to_string(limits.job_timeout_ms) + R"(,"taskTtlMs":)" +
         std::to_string(limits.task_ttl_ms) + R"(,"adapters":{)";
  for (size_t i = 0; i < pools.size(); ++i) {
    const auto& o = pools[i]->options();
    out += (i > 0 ? "," : "") + quote(o.name) + ":" + std::to_string(o.call_timeout.count());
  }
  out += "}}";
  if (!cluster.empty()) {
    out += R"(,"cluster":)" + cluster;
  }
  return out + "}";
}

}  // namespace mcprt::actors::dispatch
