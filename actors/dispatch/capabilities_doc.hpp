// GET /mcp/capabilities: what an operator or an agent's host may ask of this node before it
// connects: transports, protocol versions, adapters with their health, limits and timeouts.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "actors/adapters/pool.hpp"

namespace mcprt::actors::dispatch {

/// The node's limits and timeouts as configured.
struct node_limits {
  int64_t max_payload_kb = 0;
  int64_t max_inflight = 0;
  int64_t request_timeout_ms = 0;
  int64_t job_timeout_ms = 0;
  int64_t task_ttl_ms = 0;
};

/// The document as JSON text.
std::string capabilities_document(
    const node_limits& limits, const std::vector<std::shared_ptr<adapters::adapter_pool>>& pools);

}  // namespace mcprt::actors::dispatch
