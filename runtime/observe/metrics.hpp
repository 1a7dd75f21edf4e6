// The Prometheus metrics of a node, declared in one table (metrics.cpp) and rendered as text
// for GET /metrics. Labels are bounded: methods outside the known set count as "other".
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/mcp/request_info.hpp"

namespace prometheus {
class Registry;
class Gauge;
class Counter;
}  // namespace prometheus

namespace mcprt {
inline namespace observe {

/// The node's metrics. Thread-safe; counters are resolved once and cached.
class metrics {
 public:
  /// `longest_request_seconds`: the request timeout, the last bucket of the durations.
  explicit metrics(double longest_request_seconds = 60);
  ~metrics();
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  /// A request was answered after `seconds`: mcprt_requests_total{method,outcome} and the
  /// OpenTelemetry histogram mcp_server_operation_duration_seconds (operation_metrics).
  void request_finished(const request_info& info, outcome how, double seconds);
  /// A 2025 session ended `seconds` after it began (mcp_server_session_duration_seconds).
  void session_finished(std::string_view version, wire w, double seconds);
  /// A request was refused before it reached a handler (reason: overloaded, origin, ...).
  void rejected(std::string_view reason);
  /// Connection opened / closed.
  void connection_opened();
  void connection_closed();
  /// accept() failed (reason: descriptors, memory, other); the listener backs off and retries.
  void accept_failed(std::string_view reason);
  /// A request's notifications outran its client (a POST's SSE stream, a WebSocket, stdio): a
  /// progress notification replaced a queued one (`coalesced`) or a log message was dropped.
  void request_note_outcome(std::string_view outcome);
  /// Requests admitted and not yet answered changed by `delta`.
  void inflight_add(double delta);
  /// Open sessions changed by `delta`.
  void sessions_add(double delta);
  /// Sessions ended, by reason (deleted, expired).
  void session_ended(std::string_view reason);

  /// Notification fan-out: published, delivered (handed to a socket), coalesced, dropped,
  /// disconnected (a subscriber closed by the disconnect policy).
  void notification_outcome(std::string_view outcome, double n = 1);
  /// A subscriber queue reached `depth` frames (the peak over all is kept).
  void subscriber_depth(size_t depth);
  /// Subscriber queues (GET streams, WebSocket connections, listen streams) changed by `delta`.
  void subscribers_add(double delta);

  /// An actor of `plugin` ended on its own (not at shutdown): the supervisor took it out.
  void plugin_actor_exited(std::string_view plugin);
  /// The supervisor restarted `plugin` (outcome: ok, failed) or stopped trying (gave_up).
  void plugin_restart(std::string_view plugin, std::string_view outcome);
  /// An actor of a node part (`service`: notifier, jobs, adapter:<name>) ended on its own;
  /// `role` names it (shard, sweep, pool). The supervisor replaces it at once.
  void service_actor_exited(std::string_view service, std::string_view role);

  /// A request named `object` (session, legacy_session, task) that another principal owns:
  /// counted and logged (principal and method, never a token); the caller answers as if the
  /// object did not exist.
  void cross_principal(std::string_view object, const principal& who, std::string_view method);
  /// SIGHUP re-read the configuration (`outcome`: applied, refused).
  void config_reload(std::string_view outcome);

  /// The registry, for components that declare their own families (jobs, adapter pools).
  prometheus::Registry& registry();
  /// A gauge whose value is read at each scrape (a file's size): `read` runs on the scraping
  /// thread and must not block for long.
  void gauge_at_scrape(std::string name, std::string help, std::function<double()> read);

  /// The Prometheus text exposition of every metric.
  std::string render() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace observe
}  // namespace mcprt
