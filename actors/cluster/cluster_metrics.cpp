#include "actors/cluster/cluster_metrics.hpp"

namespace mcprt::actors::cluster {

namespace {

// 0.1 ms .. 10 s: a loopback hop is a few hundred microseconds; a tool call may take seconds.
prometheus::Histogram::BucketBoundaries latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

}  // namespace

cluster_metrics::cluster_metrics(prometheus::Registry& r)
    : up(prometheus::BuildGauge()
             .Name("mcprt_cluster_peer_up")
             .Help("1 while the peer has said hello and answers pings, else 0")
             .Register(r)),
      connect_errors(prometheus::BuildCounter()
                         .Name("mcprt_cluster_connect_errors_total")
                         .Help("Failed attempts to reach a peer, by step (connect, interface, "
                               "hello)")
                         .Register(r)),
      downs(prometheus::BuildCounter()
                .Name("mcprt_cluster_peer_down_total")
                .Help("Times a peer that was up went down, by reason (connection, ping)")
                .Register(r)),
      forwards(prometheus::BuildCounter()
                   .Name("mcprt_cluster_forwards_total")
                   .Help("Requests this node relayed to the peer that owns their session or "
                         "task, by kind and result")
                   .Register(r)),
      latency(prometheus::BuildHistogram()
                  .Name("mcprt_cluster_forward_latency_seconds")
                  .Help("From relaying a request to the owner until its answer or stream began")
                  .Register(r)),
      credit_stalls(prometheus::BuildCounter()
                        .Name("mcprt_cluster_credit_stalls_total")
                        .Help("Times a stream relayed to the peer waited for its client to read "
                              "(the window was full); its queue's policy then applies")
                        .Register(r)),
      served(prometheus::BuildCounter()
                 .Name("mcprt_cluster_served_total")
                 .Help("Requests the peer relayed here because this node owns them")
                 .Register(r)),
      notes_sent(prometheus::BuildCounter()
                     .Name("mcprt_cluster_notes_sent_total")
                     .Help("Published notes sent to the peer for its subscribers")
                     .Register(r)),
      notes_dropped(
          prometheus::BuildCounter()
              .Name("mcprt_cluster_notes_dropped_total")
              .Help("Notes for the peer dropped: too many bytes were in flight to it (the "
                    "topic's policy chose), or they waited when it went down")
              .Register(r)) {}

void cluster_metrics::forwarded(const std::string& peer, const std::string& kind,
                                const std::string& result) {
  forwards.Add({{"peer", peer}, {"kind", kind}, {"result", result}}).Increment();
}

void cluster_metrics::forward_latency(const std::string& peer, double seconds) {
  latency.Add({{"peer", peer}}, latency_buckets()).Observe(seconds);
}

}  // namespace mcprt::actors::cluster
