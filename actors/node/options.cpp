// From config keys to each room's options.
#include "actors/node/options.hpp"

#include <caf/atom.hpp>
#include <cstdlib>
#include <map>

#include "runtime/mcp/ids.hpp"
#include "runtime/observe/access_log.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::node {

settings_view section_of(const config::config& cfg, const std::string& name) {
  std::map<std::string, setting_value> values;
  auto prefix = name + ".";
  for (const auto& [key, value] : cfg.plugin_settings) {
    if (key.compare(0, prefix.size(), prefix) == 0) {
      values.emplace(key.substr(prefix.size()), value);
    }
  }
  return settings_view(std::move(values));
}

void configure_scheduler(const config::config& cfg, caf::actor_system_config& caf_cfg) {
  caf_cfg.set("scheduler.max-threads", static_cast<size_t>(cfg.scheduler_threads));
  caf_cfg.set("scheduler.policy",
              cfg.scheduler_policy == "stealing" ? caf::atom("stealing") : caf::atom("sharing"));
}

std::optional<cluster::cluster_options> cluster_options_of(const config::config& cfg) {
  if (cfg.cluster_node_name.empty()) {
    return std::nullopt;
  }
  cluster::cluster_options o;
  o.cluster_name = cfg.cluster_name;
  o.node = cfg.cluster_node_name;
  o.incarnation = std::strtoull(random_hex(8).c_str(), nullptr, 16);
  config::split_host_port(cfg.cluster_listen, o.listen_host, o.listen_port);
  for (const auto& p : cfg.cluster_peers) {
    cluster::peer_address a;
    a.name = p.name;
    config::split_host_port(p.address, a.host, a.port);
    o.peers.push_back(std::move(a));
  }
  o.heartbeat = std::chrono::milliseconds(cfg.cluster_heartbeat_ms);
  o.dead_after = std::chrono::milliseconds(cfg.cluster_dead_after_ms);
  o.forward.timeout = std::chrono::milliseconds(cfg.cluster_forward_timeout_ms);
  o.forward.sse_retry = std::chrono::milliseconds(cfg.sse_retry_ms);
  o.tls_cert_file = cfg.cluster_tls_cert_file;
  o.tls_key_file = cfg.cluster_tls_key_file;
  o.tls_ca_file = cfg.cluster_tls_ca_file;
  return o;
}

id_issuer id_issuer_of(const std::optional<cluster::cluster_options>& cluster) {
  return cluster ? id_issuer{cluster->node, cluster->incarnation} : id_issuer{};
}

dispatch::node_limits node_limits_of(const config::config& cfg) {
  return {cfg.max_payload_kb, cfg.max_inflight, cfg.request_timeout_ms, cfg.jobs_default_timeout_ms,
          cfg.jobs_result_ttl_ms};
}

outbox_limits outbox_limits_of(const config::config& cfg) {
  outbox_limits l;
  l.capacity = static_cast<size_t>(cfg.subscriber_queue);
  l.watermark = cfg.queue_watermark;
  l.batch = static_cast<size_t>(cfg.batch_size);
  l.max_age = std::chrono::milliseconds(cfg.max_queue_age_ms);
  return l;
}

session::stream_options stream_options_of(const config::config& cfg) {
  session::stream_options o;
  o.limits = std::make_shared<live_outbox_limits>(outbox_limits_of(cfg));
  o.replay_events = static_cast<size_t>(cfg.replay_events);
  o.keep_alive = std::chrono::milliseconds(cfg.keep_alive_ms);
  o.retry = std::chrono::milliseconds(cfg.sse_retry_ms);
  o.max_subscriptions = static_cast<size_t>(cfg.max_subscriptions);
  return o;
}

jobs::job_options job_options_of(const config::config& cfg, id_issuer ids) {
  jobs::job_options o;
  o.ids = std::move(ids);
  o.timeout = std::chrono::milliseconds(cfg.jobs_default_timeout_ms);
  o.result_ttl_ms = cfg.jobs_result_ttl_ms;
  o.poll_interval_ms = cfg.jobs_poll_interval_ms;
  return o;
}

adapters::adapter_options adapter_options_of(const config::adapter_config& a) {
  adapters::adapter_options o;
  o.name = a.name;
  o.command = {a.command, a.args, a.env, a.cwd, a.inherit_env};
  o.min_workers = static_cast<int>(a.min_workers);
  o.max_workers = static_cast<int>(a.max_workers);
  o.max_inflight_per_worker = static_cast<int>(a.max_inflight_per_worker);
  o.call_timeout = std::chrono::milliseconds(a.call_timeout_ms);
  o.start_timeout = std::chrono::milliseconds(a.start_timeout_ms);
  o.session_affinity = a.affinity == "session";
  o.tool_prefix = a.tool_prefix;
  o.tasks = a.task_support == "required"   ? task_support::required
            : a.task_support == "optional" ? task_support::optional
                                           : task_support::forbidden;
  return o;
}

front::endpoint_options endpoint_options_of(const config::config& cfg) {
  front::endpoint_options o;
  o.allowed_hosts = cfg.allowed_hosts;
  o.allowed_origins = cfg.allowed_origins;
  o.request_timeout = std::chrono::milliseconds(cfg.request_timeout_ms);
  o.session_idle_timeout = std::chrono::milliseconds(cfg.session_idle_timeout_ms);
  o.max_payload_bytes = static_cast<size_t>(cfg.max_payload_kb) * 1024;
  return o;
}

transport::server_options server_options_of(const config::config& cfg) {
  transport::server_options o;
  o.host = cfg.host;
  o.port = static_cast<uint16_t>(cfg.port);
  o.io_threads = static_cast<int>(cfg.io_threads);
  o.max_payload_bytes = static_cast<size_t>(cfg.max_payload_kb) * 1024;
  o.idle_timeout = std::chrono::milliseconds(cfg.connection_idle_timeout_ms);
  o.header_timeout = std::chrono::milliseconds(cfg.header_timeout_ms);
  o.max_header_bytes = static_cast<size_t>(cfg.max_header_kb) * 1024;
  o.max_connections_per_address = static_cast<size_t>(cfg.max_connections_per_address);
  o.batch_size = static_cast<size_t>(cfg.batch_size);
  o.stream_queue = static_cast<size_t>(cfg.subscriber_queue);
  o.queue_watermark = cfg.queue_watermark;
  o.send_buffer_bytes = static_cast<int>(cfg.send_buffer_bytes);
  o.ws_idle_timeout = std::chrono::milliseconds(cfg.ws_idle_timeout_ms);
  o.ws_deflate = cfg.ws_deflate;
  o.flush_interval = std::chrono::microseconds(cfg.flush_interval_us);
  o.tls.cert_file = cfg.tls_cert_file;
  o.tls.key_file = cfg.tls_key_file;
  o.tls.client_ca_file = cfg.tls_client_ca_file;
  // Without a gate, the certificate is the only check: a client without one is refused.
  o.tls.client_cert_required = !cfg.tls_client_ca_file.empty() && cfg.auth_mode == "none";
  return o;
}

scope_policy scope_policy_of(const config::config& cfg) {
  scope_policy p;
  p.every = cfg.auth_scopes;
  p.methods.insert(cfg.auth_method_scopes.begin(), cfg.auth_method_scopes.end());
  p.tools.insert(cfg.auth_tool_scopes.begin(), cfg.auth_tool_scopes.end());
  p.uri_prefixes.insert(cfg.auth_resource_scopes.begin(), cfg.auth_resource_scopes.end());
  return p;
}

identity::gate_options gate_options_of(const config::config& cfg) {
  identity::gate_options o;
  o.mode = cfg.auth_mode == "oauth"     ? identity::auth_mode::oauth
           : cfg.auth_mode == "apiKeys" ? identity::auth_mode::api_keys
                                        : identity::auth_mode::none;
  o.expect.issuer = cfg.auth_issuer;
  o.expect.resource = cfg.auth_resource;
  o.expect.leeway_seconds = cfg.auth_leeway_seconds;
  o.expect.type = cfg.auth_token_type;
  o.required_scopes = cfg.auth_scopes;
  o.scopes_supported = cfg.auth_scopes_supported;
  o.api_keys = cfg.auth_api_keys;
  o.jwks_refresh = std::chrono::seconds(cfg.auth_jwks_refresh_seconds);
  o.jwks_min_refetch = std::chrono::seconds(cfg.auth_jwks_min_refetch_seconds);
  o.token_cache_size = static_cast<size_t>(cfg.auth_token_cache_size);
  o.certificates = !cfg.tls_client_ca_file.empty();
  o.introspection_client_id = cfg.auth_introspection_client_id;
  o.introspection_client_secret = cfg.auth_introspection_client_secret;
  o.certificate_scopes =
      cfg.auth_certificate_scopes.empty() ? cfg.auth_scopes : cfg.auth_certificate_scopes;
  return o;
}

void apply_log_settings(const config::config& cfg) {
  log_level level = log_level::info;
  parse_log_level(cfg.log_level, level);
  log::set_level(level);
  log::set_format(cfg.log_format == "json" ? log_format::json : log_format::text);
  log::set_access(cfg.log_access);
}

}  // namespace mcprt::actors::node
