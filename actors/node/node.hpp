// The supervision root of one mcprt process. It builds the rooms in dependency order
// (metrics, actor system, notifier, jobs, plugins and their catalog, adapter pools, then the
// supervisor over them), serves
// one transport, and stops them in the reverse order. Not the command line (main.cpp).
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <csignal>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "actors/adapters/pool.hpp"
#include "actors/catalog/catalog.hpp"
#include "actors/catalog/live_catalog.hpp"
#include "actors/cluster/membership.hpp"
#include "actors/dispatch/capabilities_doc.hpp"
#include "actors/dispatch/dispatcher.hpp"
#include "actors/identity/gate.hpp"
#include "actors/jobs/jobs.hpp"
#include "actors/node/supervisor.hpp"
#include "actors/notifier/notifier.hpp"
#include "actors/session/node_context.hpp"
#include "actors/session/table.hpp"
#include "config/config.hpp"
#include "runtime/api/plugin_api.hpp"
#include "runtime/codec/expected.hpp"
#include "runtime/io/admission.hpp"
#include "runtime/observe/metrics.hpp"

namespace mcprt::transport {
class http_server;
}  // namespace mcprt::transport

namespace mcprt::actors::front {
class endpoint;
}  // namespace mcprt::actors::front

namespace mcprt::actors::node {

/// One running node: the actor system and every long-lived part, owned in the order they
/// depend on each other.
class node {
 public:
  /// Starts the node's parts and the enabled `plugins`; a one-line reason when one cannot
  /// start (the job store's file, a plugin). `stdio`: a single client on the pipes.
  static expected<std::unique_ptr<node>, std::string> start(const config::config& cfg,
                                                            const std::vector<plugin>& plugins,
                                                            bool stdio);
  node(const node&) = delete;
  node& operator=(const node&) = delete;
  /// Stops the tree and waits for its actors.
  ~node();

  /// Serves HTTP (Streamable HTTP, HTTP+SSE, WebSocket) until one of `stop_signals` arrives;
  /// the process's exit code.
  /// Re-reads the configuration (file, environment, flags) for SIGHUP.
  using config_source = std::function<expected<config::config, std::string>()>;
  /// Serves HTTP until SIGTERM/SIGINT (then drains); SIGHUP re-reads the configuration
  /// through `reread` and applies what can change live.
  int serve_http(const sigset_t& signals, const config_source& reread);
  /// Serves one client on stdin/stdout until stdin closes; the process's exit code.
  int serve_stdio();

 private:
  explicit node(const config::config& cfg);
  std::string start_jobs(bool stdio);
  /// The resource server's gate (and, in oauth mode, the outbound client and the key actor).
  std::string start_gate();
  std::string start_cluster();
  expected<std::vector<watched_plugin>, std::string> start_plugins(
      const std::vector<plugin>& plugins);
  /// Hands the started plugins to the supervisor, with what it needs to start one again.
  void supervise(const std::vector<plugin>& plugins, std::vector<watched_plugin> watched);
  void start_adapters();
  /// The node's parts whose actors the supervisor watches (notifier shards, job sweep,
  /// adapter pools).
  std::vector<watched_service> watched_parts();
  /// What every request path of this node shares (built once the parts have started).
  session::node_context_ptr context();
  std::shared_ptr<scope_policy_source> scopes_;  ///< Made by context() when auth is on.
  std::shared_ptr<live_outbox_limits> outbox_limits_;
  /// What /mcp/capabilities shows (read on I/O threads, replaced by a reload).
  std::shared_ptr<dispatch::published_limits> published_limits_ =
      std::make_shared<dispatch::published_limits>();  ///< Made by context(): new streams' limits.
  /// Stops what the node started, leaves first: the supervisor (so stops are not restarts),
  /// pools, jobs, notifier, tool actors, sessions.
  void stop_tree();
  // SIGTERM/SIGINT: refuse new requests, let admitted calls finish (shutdown.drainTimeoutMs),
  // then end the open streams with a reconnect hint.
  void drain(admission& admitted, int sig, const sigset_t& stop_signals,
             transport::http_server& server);
  // SIGHUP: applies what changed and can change live; names the rest; refuses a bad file.
  void reload(const config_source& reread, admission& admitted, transport::http_server& server,
              front::endpoint& ep);

  config::config cfg_;
  // Declared before the actor system so late completions find them alive.
  std::shared_ptr<mcprt::metrics> metrics_;
  std::shared_ptr<catalog::catalog_source> tools_;
  std::shared_ptr<session::session_table> sessions_;
  std::shared_ptr<session::session_table> bound_sessions_;  // WebSocket, HTTP+SSE, stdio.
  caf::actor_system_config caf_cfg_;
  std::optional<cluster::cluster_options> cluster_options_;  ///< Set: this node is in a cluster.
  id_issuer ids_;  ///< The ids this node issues (named after it in a cluster).
  caf::actor_system system_;
  std::shared_ptr<notifier::notifier> notes_;
  std::shared_ptr<jobs::job_service> jobs_;
  std::shared_ptr<catalog::node_catalog> live_;
  std::vector<std::shared_ptr<adapters::adapter_pool>> pools_;
  std::shared_ptr<dispatch::server_profile> profile_;
  std::shared_ptr<http_fetcher> http_client_;  ///< Outbound HTTP (the issuer), oauth mode only.
  std::shared_ptr<identity::gate> gate_;
  caf::actor supervisor_;
  std::unique_ptr<cluster::membership> membership_;
  bool stopped_ = false;
};

}  // namespace mcprt::actors::node
