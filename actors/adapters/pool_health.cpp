// A pool's health as JSON.
#include "actors/adapters/pool_health.hpp"

#include "runtime/codec/json.hpp"

namespace mcprt::actors::adapters {

std::string health_json(const pool_health& h) {
  std::string out = R"({"name":)" + quote(h.name);
  out += R"(,"available":)" + std::string(h.ready > 0 ? "true" : "false");
  out += R"(,"version":)" + (h.version.empty() ? std::string("null") : quote(h.version));
  out += R"(,"workers":{"ready":)" + std::to_string(h.ready) + R"(,"busy":)" +
         std::to_string(h.busy) + R"(,"starting":)" + std::to_string(h.starting) + R"(,"min":)" +
         std::to_string(h.min_workers) + R"(,"max":)" + std::to_string(h.max_workers) +
         R"(,"maxInflightPerWorker":)" + std::to_string(h.max_inflight_per_worker) + "}";
  out += R"(,"processes":[)";
  bool first = true;
  for (const auto& p : h.processes) {
    out += std::string(first ? "" : ",") + R"({"pid":)" + std::to_string(p.pid) + R"(,"state":)" +
           quote(p.ready ? "ready" : "starting") + R"(,"inflight":)" + std::to_string(p.inflight) +
           "}";
    first = false;
  }
  out += "]";
  out += R"(,"restarts":)" + std::to_string(h.restarts);
  out += R"(,"queued":)" + std::to_string(h.queued);
  out += R"(,"tools":)" + std::to_string(h.tools);
  out += R"(,"callTimeoutMs":)" + std::to_string(h.call_timeout.count());
  out += R"(,"affinity":)" + quote(h.session_affinity ? "session" : "none");
  if (!h.last_error.empty()) {
    out += R"(,"lastError":)" + quote(h.last_error);
  }
  return out + "}";
}

}  // namespace mcprt::actors::adapters
