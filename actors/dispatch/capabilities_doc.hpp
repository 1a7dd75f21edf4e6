// GET /mcp/capabilities: what an operator or an agent's host may ask of this node before it
// connects: transports, protocol versions, adapters with their health, limits and timeouts.
#pragma once

#include <memory>
#include <mutex>
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

/// The limits as last configured, shared between the node (which replaces them on SIGHUP) and
/// the threads that answer /mcp/capabilities.
class published_limits {
 public:
  node_limits get() const {
    std::lock_guard<std::mutex> g(mutex_);
    return limits_;
  }
  void set(const node_limits& l) {
    std::lock_guard<std::mutex> g(mutex_);
    limits_ = l;
  }

 private:
  mutable std::mutex mutex_;
  node_limits limits_;
};

/// The document as JSON text.
/// `cluster`: the cluster's state as a JSON object, or empty on a single node.
std::string capabilities_document(const node_limits& limits,
                                  const std::vector<std::shared_ptr<adapters::adapter_pool>>& pools,
                                  const std::string& cluster = {});

}  // namespace mcprt::actors::dispatch
