// The metrics table. Every metric of mcprt is declared here, named mcprt_<area>_<thing>_<unit>.
#include "runtime/observe/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <array>
#include <atomic>
#include <map>
#include <mutex>

#include "runtime/observe/log.hpp"
#include "runtime/observe/operation_metrics.hpp"
#include "runtime/observe/process_metrics.hpp"

namespace mcprt {
inline namespace observe {

namespace {

constexpr std::array<std::string_view, 5> outcome_names = {"ok", "tool_error", "error", "timeout",
                                                           "cancelled"};

constexpr std::array<std::string_view, 16> rejection_reasons = {
    "overloaded",         "host",          "origin",           "payload_too_large",
    "bad_request",        "conflict",      "unknown_response", "header_too_large",
    "uri_too_long",       "bad_http",      "header_timeout",   "connection_limit",
    "insufficient_scope", "tls_handshake", "draining",         "other"};

constexpr std::array<std::string_view, 5> notification_outcomes = {
    "published", "delivered", "coalesced", "dropped", "disconnected"};

constexpr std::array<std::string_view, 3> accept_failure_reasons = {"descriptors", "memory",
                                                                    "other"};

constexpr std::array<std::string_view, 2> request_note_outcomes = {"coalesced", "dropped"};

}  // namespace

struct metrics::impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  using per_method = std::array<prometheus::Counter*, 5>;  // By outcome.
  std::map<std::string_view, per_method, std::less<>> methods;
  operation_metrics operations;
  std::map<std::string_view, prometheus::Counter*, std::less<>> rejections;
  std::map<std::string_view, prometheus::Counter*, std::less<>> session_ends;
  prometheus::Gauge* inflight = nullptr;
  prometheus::Gauge* sessions = nullptr;
  prometheus::Gauge* connections_open = nullptr;
  prometheus::Counter* connections_total = nullptr;
  std::map<std::string_view, prometheus::Counter*, std::less<>> notifications;
  std::map<std::string_view, prometheus::Counter*, std::less<>> accept_failures;
  std::map<std::string_view, prometheus::Counter*, std::less<>> request_notes;
  prometheus::Family<prometheus::Counter>* plugin_exits = nullptr;
  prometheus::Family<prometheus::Counter>* cross_principal = nullptr;
  prometheus::Family<prometheus::Counter>* config_reloads = nullptr;
  prometheus::Family<prometheus::Counter>* plugin_restarts = nullptr;
  prometheus::Family<prometheus::Counter>* service_exits = nullptr;
  prometheus::Gauge* subscribers = nullptr;
  prometheus::Gauge* queue_peak = nullptr;
  std::atomic<size_t> peak{0};
  struct scraped_gauge {
    std::string name, help;
    std::function<double()> read;
  };
  mutable std::mutex scraped_mutex;
  std::vector<scraped_gauge> scraped;

  explicit impl(double longest_request_seconds) : operations(*registry, longest_request_seconds) {
    auto& requests = prometheus::BuildCounter()
                         .Name("mcprt_requests_total")
                         .Help("JSON-RPC requests answered, by method and outcome")
                         .Register(*registry);
    auto add_method = [&](std::string_view m) {
      per_method pm;
      for (size_t i = 0; i < outcome_names.size(); ++i) {
        pm[i] =
            &requests.Add({{"method", std::string(m)}, {"outcome", std::string(outcome_names[i])}});
      }
      methods.emplace(m, pm);
    };
    for (auto m : method_labels()) {
      add_method(m);
    }
    auto& rejected = prometheus::BuildCounter()
                         .Name("mcprt_rejections_total")
                         .Help("Requests refused before reaching a handler, by reason")
                         .Register(*registry);
    for (auto r : rejection_reasons) {
      rejections.emplace(r, &rejected.Add({{"reason", std::string(r)}}));
    }
    inflight = &prometheus::BuildGauge()
                    .Name("mcprt_inflight_requests")
                    .Help("Requests admitted and not yet answered, node-wide")
                    .Register(*registry)
                    .Add({});
    sessions = &prometheus::BuildGauge()
                    .Name("mcprt_sessions")
                    .Help("Open 2025-era sessions")
                    .Register(*registry)
                    .Add({});
    auto& ends = prometheus::BuildCounter()
                     .Name("mcprt_sessions_ended_total")
                     .Help("Sessions ended, by reason")
                     .Register(*registry);
    for (auto r : {std::string_view("deleted"), std::string_view("expired")}) {
      session_ends.emplace(r, &ends.Add({{"reason", std::string(r)}}));
    }
    connections_open = &prometheus::BuildGauge()
                            .Name("mcprt_connections")
                            .Help("Open transport connections")
                            .Register(*registry)
                            .Add({});
    connections_total = &prometheus::BuildCounter()
                             .Name("mcprt_connections_total")
                             .Help("Transport connections accepted")
                             .Register(*registry)
                             .Add({});
    auto& notes = prometheus::BuildCounter()
                      .Name("mcprt_notifications_total")
                      .Help(
                          "Notification fan-out: published once per topic; delivered, coalesced, "
                          "dropped per subscriber; disconnected subscribers")
                      .Register(*registry);
    for (auto o : notification_outcomes) {
      notifications.emplace(o, &notes.Add({{"outcome", std::string(o)}}));
    }
    auto& accepts = prometheus::BuildCounter()
                        .Name("mcprt_accept_failures_total")
                        .Help(
                            "accept() calls that failed, by reason (descriptors: the process or "
                            "system is out of file descriptors); the listener backs off")
                        .Register(*registry);
    for (auto r : accept_failure_reasons) {
      accept_failures.emplace(r, &accepts.Add({{"reason", std::string(r)}}));
    }
    auto& streams = prometheus::BuildCounter()
                        .Name("mcprt_request_notifications_total")
                        .Help(
                            "Notifications of in-flight requests that a slow client never got: "
                            "progress coalesced (the latest kept), log messages dropped")
                        .Register(*registry);
    for (auto o : request_note_outcomes) {
      request_notes.emplace(o, &streams.Add({{"outcome", std::string(o)}}));
    }
    // Labelled by plugin: a bounded set (the configured plugins), added on first use.
    plugin_exits = &prometheus::BuildCounter()
                        .Name("mcprt_plugin_actor_exits_total")
                        .Help(
                            "Plugin actors that ended on their own; their tools, resources and "
                            "prompts left the catalog")
                        .Register(*registry);
    config_reloads = &prometheus::BuildCounter()
                          .Name("mcprt_config_reloads_total")
                          .Help("SIGHUP re-reads of the configuration, by outcome")
                          .Register(*registry);
    cross_principal = &prometheus::BuildCounter()
                           .Name("mcprt_auth_cross_principal_total")
                           .Help(
                               "Requests naming an object another principal owns (session, "
                               "task, ...), answered as if it did not exist")
                           .Register(*registry);
    service_exits = &prometheus::BuildCounter()
                         .Name("mcprt_service_actor_exits_total")
                         .Help(
                             "Actors of the node's own parts (notifier shards, the job sweep, "
                             "adapter pools) that ended on their own; each is replaced at once")
                         .Register(*registry);
    plugin_restarts = &prometheus::BuildCounter()
                           .Name("mcprt_plugin_restarts_total")
                           .Help(
                               "Plugin restarts after an actor exit, by outcome (ok, failed, "
                               "gave_up: past supervision.maxRestarts)")
                           .Register(*registry);
    subscribers =
        &prometheus::BuildGauge()
             .Name("mcprt_subscribers")
             .Help("Subscriber queues: GET streams, WebSocket connections, listen streams")
             .Register(*registry)
             .Add({});
    queue_peak = &prometheus::BuildGauge()
                      .Name("mcprt_subscriber_queue_peak_frames")
                      .Help(
                          "Deepest any subscriber's notification queue has been (bounded by "
                          "notifier.subscriberQueue)")
                      .Register(*registry)
                      .Add({});
  }

  per_method& lookup(std::string_view method) { return methods.find(method_label(method))->second; }
};

metrics::metrics(double longest_request_seconds)
    : impl_(std::make_unique<impl>(longest_request_seconds)) {}
metrics::~metrics() = default;

void metrics::request_finished(const request_info& info, outcome how, double seconds) {
  impl_->lookup(info.method)[static_cast<size_t>(how)]->Increment();
  impl_->operations.operation(info, how, seconds);
}

void metrics::session_finished(std::string_view version, wire w, double seconds) {
  impl_->operations.session(version, w, seconds);
}

void metrics::rejected(std::string_view reason) {
  auto it = impl_->rejections.find(reason);
  (it != impl_->rejections.end() ? it->second : impl_->rejections.find("other")->second)
      ->Increment();
}

void metrics::connection_opened() {
  impl_->connections_open->Increment();
  impl_->connections_total->Increment();
}

void metrics::connection_closed() {
  impl_->connections_open->Decrement();
}

void metrics::accept_failed(std::string_view reason) {
  auto it = impl_->accept_failures.find(reason);
  (it != impl_->accept_failures.end() ? it->second : impl_->accept_failures.find("other")->second)
      ->Increment();
}

void metrics::plugin_actor_exited(std::string_view plugin) {
  impl_->plugin_exits->Add({{"plugin", std::string(plugin)}}).Increment();
}

void metrics::plugin_restart(std::string_view plugin, std::string_view outcome) {
  impl_->plugin_restarts->Add({{"plugin", std::string(plugin)}, {"outcome", std::string(outcome)}})
      .Increment();
}

void metrics::config_reload(std::string_view outcome) {
  impl_->config_reloads->Add({{"outcome", std::string(outcome)}}).Increment();
}

void metrics::cross_principal(std::string_view object, const principal& who,
                              std::string_view method) {
  impl_->cross_principal->Add({{"object", std::string(object)}}).Increment();
  log::info("auth refused object=" + std::string(object) + " reason=other_principal principal=" +
            who.display() + " method=" + std::string(method));
}

void metrics::service_actor_exited(std::string_view service, std::string_view role) {
  impl_->service_exits->Add({{"service", std::string(service)}, {"actor", std::string(role)}})
      .Increment();
}

void metrics::request_note_outcome(std::string_view outcome) {
  if (auto it = impl_->request_notes.find(outcome); it != impl_->request_notes.end()) {
    it->second->Increment();
  }
}

void metrics::inflight_add(double delta) {
  impl_->inflight->Increment(delta);
}

void metrics::sessions_add(double delta) {
  impl_->sessions->Increment(delta);
}

void metrics::session_ended(std::string_view reason) {
  if (auto it = impl_->session_ends.find(reason); it != impl_->session_ends.end()) {
    it->second->Increment();
  }
}

void metrics::notification_outcome(std::string_view outcome, double n) {
  if (auto it = impl_->notifications.find(outcome); it != impl_->notifications.end()) {
    it->second->Increment(n);
  }
}

void metrics::subscriber_depth(size_t depth) {
  auto seen = impl_->peak.load(std::memory_order_relaxed);
  while (depth > seen) {
    if (impl_->peak.compare_exchange_weak(seen, depth, std::memory_order_relaxed)) {
      impl_->queue_peak->Set(static_cast<double>(depth));
      return;
    }
  }
}

void metrics::subscribers_add(double delta) {
  impl_->subscribers->Increment(delta);
}

prometheus::Registry& metrics::registry() {
  return *impl_->registry;
}

void metrics::gauge_at_scrape(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard<std::mutex> g(impl_->scraped_mutex);
  impl_->scraped.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string metrics::render() const {
  auto families = impl_->registry->Collect();
  {
    std::lock_guard<std::mutex> g(impl_->scraped_mutex);
    for (const auto& s : impl_->scraped) {
      prometheus::ClientMetric m;
      m.gauge.value = s.read();
      families.push_back({s.name, s.help, prometheus::MetricType::Gauge, {m}});
    }
  }
  auto process = process_families();
  families.insert(families.end(), std::make_move_iterator(process.begin()),
                  std::make_move_iterator(process.end()));
  return prometheus::TextSerializer{}.Serialize(families);
}

}  // namespace observe
}  // namespace mcprt
