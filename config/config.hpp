// The effective configuration, and how it is built: embedded defaults, then the JSON file
// (--config), then environment, then --set flags. The only place that reads files and env.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/adapters.hpp"
#include "config/cluster.hpp"
#include "runtime/api/settings.hpp"
#include "runtime/auth/api_keys.hpp"
#include "runtime/codec/expected.hpp"

namespace mcprt::config {

/// Every core setting; plugin sections live in `plugin_settings`.
struct config {
  // transport
  std::string host = "127.0.0.1";
  int64_t port = 8080;
  int64_t io_threads = 0;  // 0: follow the machine (http_server::io_threads_for).
  std::vector<std::string> allowed_hosts = {"localhost", "127.0.0.1", "[::1]"};
  std::vector<std::string> allowed_origins = {"http://localhost",  "http://127.0.0.1",
                                              "http://[::1]",      "https://localhost",
                                              "https://127.0.0.1", "https://[::1]"};
  int64_t connection_idle_timeout_ms = 60000;
  int64_t keep_alive_ms = 15000;
  int64_t sse_retry_ms = 2000;
  int64_t send_buffer_bytes = 0;
  int64_t ws_idle_timeout_ms = 60000;
  int64_t flush_interval_us = 0;
  bool ws_deflate = false;
  std::string tls_cert_file, tls_key_file, tls_client_ca_file;
  // auth
  std::string auth_mode = "none";
  std::string auth_issuer;
  std::string auth_resource;
  std::vector<std::string> auth_scopes;
  std::vector<std::string> auth_scopes_supported;
  int64_t auth_leeway_seconds = 60;
  std::string auth_token_type;
  int64_t auth_jwks_refresh_seconds = 600;
  int64_t auth_jwks_min_refetch_seconds = 30;
  std::string auth_issuer_ca_file;
  int64_t auth_token_cache_size = 10000;
  std::vector<std::string> auth_certificate_scopes;  ///< Empty: auth.scopes.
  std::string auth_introspection_client_id, auth_introspection_client_secret;
  std::vector<api_key_entry> auth_api_keys;  ///< From the config file's `auth.apiKeys` array.
  /// From the file's `auth.methodScopes`, `auth.toolScopes`, `auth.resourceScopes` objects.
  std::map<std::string, std::vector<std::string>> auth_method_scopes, auth_tool_scopes,
      auth_resource_scopes;
  // runtime
  int64_t scheduler_threads = 1;
  std::string scheduler_policy = "sharing";
  // performance
  int64_t max_inflight = 2048;
  int64_t batch_size = 64;
  double queue_watermark = 0.75;
  // limits
  int64_t max_payload_kb = 512;
  int64_t request_timeout_ms = 60000;
  int64_t max_header_kb = 16;
  int64_t header_timeout_ms = 5000;
  int64_t max_connections_per_address = 0;
  // session
  int64_t session_idle_timeout_ms = 1800000;
  int64_t client_request_timeout_ms = 60000;
  int64_t replay_events = 512;
  int64_t max_subscriptions = 1024;
  /// Where state lives (the job store, plugins' files): see state_directory_default().
  std::string state_directory;
  std::string jobs_store_path;  ///< Empty until load(): then `<state.directory>/jobs.sqlite`.
  int64_t jobs_default_timeout_ms = 300000;
  int64_t jobs_result_ttl_ms = 3600000;
  int64_t jobs_poll_interval_ms = 1000;
  int64_t jobs_max_store_mb = 0;
  std::vector<adapter_config> adapters;  ///< From the config file's `adapters` array.
  // cluster (docs/cluster.md); no node name: a single node
  std::string cluster_name = "mcprt";
  std::string cluster_node_name;
  std::string cluster_listen;
  std::vector<cluster_peer> cluster_peers;  ///< From the config file's `cluster.peers` array.
  std::string cluster_secret_file;
  /// Read from cluster.secretFile: the current key, then the previous (never printed).
  std::vector<std::string> cluster_secrets;
  int64_t cluster_heartbeat_ms = 1000;
  int64_t cluster_dead_after_ms = 5000;
  int64_t cluster_forward_timeout_ms = 2000;
  std::string cluster_tls_cert_file, cluster_tls_key_file, cluster_tls_ca_file;
  // notifier
  int64_t notifier_shards = 4;
  int64_t subscriber_queue = 1024;
  int64_t max_queue_age_ms = 1000;
  // server
  std::string instructions;
  int64_t tools_page_size = 100;
  int64_t list_ttl_ms = 60000;
  // plugins and log
  std::vector<std::string> plugins_enabled = {"demo", "ticker"};
  std::vector<std::string> plugins_dirs;  ///< Directories whose `*.so` plugins load at start.
  // supervision of plugin actors
  int64_t supervision_max_restarts = 5;
  int64_t supervision_backoff_ms = 100;
  std::vector<std::string> supervision_stay_down;
  std::string log_level = "info";
  std::string log_format = "text";
  bool log_access = false;
  int64_t shutdown_drain_timeout_ms = 30000;

  std::map<std::string, setting_value> plugin_settings;  ///< Full dotted key -> value.
  std::map<std::string, std::string> sources;            ///< Key -> default|file|env|flag.
};

/// One documented key.
struct key_info {
  std::string key;
  std::string env;
  setting_type type;
  std::string help;
};

/// What load() reads besides the defaults.
struct load_request {
  std::optional<std::string> file;                        ///< --config
  std::vector<std::pair<std::string, std::string>> sets;  ///< --set key=value, in order
  std::vector<setting_spec> plugin_settings;              ///< Keys declared by plugins
  std::vector<std::string> known_plugins;                 ///< For plugins.enabled
  std::function<const char*(const char*)> getenv = [](const char* n) { return std::getenv(n); };
  /// Reads only the core keys and skips unknown sections: enough to find `plugins.dirs`
  /// before the shared-object plugins that declare those sections are loaded.
  bool core_only = false;
};

/// The default `state.directory`: systemd's `$STATE_DIRECTORY` (a unit's StateDirectory=),
/// else `$XDG_STATE_HOME/mcprt`, else `$HOME/.local/state/mcprt`, else `/var/lib/mcprt`.
/// Always absolute, so a start from any working directory finds the same state.
std::string state_directory_default(const std::function<const char*(const char*)>& getenv);

/// The configuration, or one line naming the offending key.
using load_result = expected<config, std::string>;

/// Builds the effective configuration.
load_result load(const load_request& request);

/// Every core key, with env name and help, in documentation order.
std::vector<key_info> core_keys();

/// `key = value  (source, env NAME)` lines for --print-config.
std::string describe(const config& cfg, const std::vector<setting_spec>& plugin_settings);

/// The keys (core and plugin settings) whose values differ between `before` and `after`, and
/// the file-only sections that differ (`adapters`, `auth.apiKeys`, `auth.methodScopes`,
/// `auth.toolScopes`, `auth.resourceScopes`), each named once.
std::vector<std::string> changed_keys(const config& before, const config& after);

/// The environment variable for a key: MCPRT_ + upper snake case (maxInflight -> MAX_INFLIGHT).
std::string env_name(const std::string& key);

}  // namespace mcprt::config
