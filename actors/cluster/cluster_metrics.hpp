// The cluster's Prometheus families, per peer: membership, forwarding, notes.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

namespace mcprt::actors::cluster {

struct cluster_metrics {
  explicit cluster_metrics(prometheus::Registry& r);

  /// A forwarded request ended at ingress with `result` (see docs/cluster.md).
  void forwarded(const std::string& peer, const std::string& kind, const std::string& result);
  /// Seconds from sending a request to the owner until its answer (or stream) began.
  void forward_latency(const std::string& peer, double seconds);

  prometheus::Family<prometheus::Gauge>& up;
  prometheus::Family<prometheus::Counter>& connect_errors;
  prometheus::Family<prometheus::Counter>& downs;
  prometheus::Family<prometheus::Counter>& forwards;
  prometheus::Family<prometheus::Histogram>& latency;
  prometheus::Family<prometheus::Counter>& credit_stalls;
  prometheus::Family<prometheus::Counter>& served;
  prometheus::Family<prometheus::Counter>& notes_sent;
  prometheus::Family<prometheus::Counter>& notes_dropped;
};

}  // namespace mcprt::actors::cluster
