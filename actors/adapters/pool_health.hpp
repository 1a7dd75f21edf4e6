// What GET /mcp/capabilities shows of one adapter pool: a plain snapshot the pool's actor
// keeps current, and its JSON. Pure: read from any thread through the pool's copy.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mcprt::actors::adapters {

/// One pool at one moment.
struct pool_health {
  struct process {
    pid_t pid = 0;
    bool ready = false;  ///< Else starting.
    int inflight = 0;
  };
  std::string name;
  int ready = 0, busy = 0, starting = 0;
  int min_workers = 0, max_workers = 0, max_inflight_per_worker = 0;
  std::vector<process> processes;
  std::string version;  ///< serverInfo "name version" of the workers; empty: not known yet.
  uint64_t restarts = 0;
  size_t queued = 0;
  size_t tools = 0;
  std::chrono::milliseconds call_timeout{0};
  bool session_affinity = false;
  std::string last_error;  ///< Why the last worker failed to start or died; empty: none.
};

/// The pool's entry of the capabilities document's `adapters` array.
std::string health_json(const pool_health& health);

}  // namespace mcprt::actors::adapters
