// The key table and the layering of defaults, file, environment and flags. Every key is
// declared once here, with its type, bounds, env name and help.
#include "config/config.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "runtime/codec/json_parse.hpp"
#include "runtime/codec/url.hpp"
#include "runtime/mcp/ids.hpp"

namespace mcprt::config {

namespace {

struct key_def {
  std::string key;
  setting_type type;
  double min = 0, max = 0;
  std::string help;
  std::function<setting_value(const config&)> get;
  std::function<void(config&, const setting_value&)> set;
  std::vector<std::string> choices = {};
  std::string alias_env = {};  // An extra env name operators know from other MCP servers.
  bool secret = false;         // --print-config shows that it is set, never the value.
};

template <class T>
key_def field(std::string key, setting_type type, T config::*member, double min, double max,
              std::string help) {
  return key_def{std::move(key),
                 type,
                 min,
                 max,
                 std::move(help),
                 [member](const config& c) { return setting_value(c.*member); },
                 [member](config& c, const setting_value& v) { c.*member = std::get<T>(v); }};
}

const std::vector<key_def>& table() {
  using st = setting_type;
  static const std::vector<key_def> keys = [] {
    std::vector<key_def> k;
    k.push_back(field("transport.host", st::string, &config::host, 0, 0,
                      "address to listen on (127.0.0.1 keeps the server local)"));
    k.push_back(field("transport.port", st::integer, &config::port, 0, 65535,
                      "TCP port; 0 picks a free one"));
    k.push_back(
        field("transport.ioThreads", st::integer, &config::io_threads, 0, 64,
              "Asio I/O threads; 0 = one per core but one (at least one), leaving a core to "
              "the actors"));
    k.push_back(field("transport.allowedHosts", st::string_list, &config::allowed_hosts, 0, 0,
                      "Host header names accepted on /mcp (DNS-rebinding protection); * = any"));
    k.push_back(field("transport.allowedOrigins", st::string_list, &config::allowed_origins, 0, 0,
                      "Origin values accepted; an entry without a port matches any port; * = any"));
    k.push_back(field("transport.idleTimeoutMs", st::integer, &config::connection_idle_timeout_ms,
                      100, 86400000, "close keep-alive connections idle this long"));
    k.push_back(field("transport.keepAliveMs", st::integer, &config::keep_alive_ms, 0, 3600000,
                      "SSE comment on a long-lived stream after this much silence; 0 = never"));
    k.push_back(field("transport.sseRetryMs", st::integer, &config::sse_retry_ms, 0, 3600000,
                      "reconnect delay (retry:) sent to 2025-11-25 clients in the priming event"));
    k.push_back(field("transport.sendBufferBytes", st::integer, &config::send_buffer_bytes, 0,
                      67108864, "SO_SNDBUF of each connection; 0 = the kernel's default"));
    k.push_back(field("transport.wsIdleTimeoutMs", st::integer, &config::ws_idle_timeout_ms, 1000,
                      86400000, "WebSocket: ping after half of this without traffic, close after"));
    k.push_back(field("transport.flushIntervalUs", st::integer, &config::flush_interval_us, 0,
                      1000000,
                      "hold a stream's first note this long (microseconds) so later notes share "
                      "its write; 0 = write as soon as the connection is idle"));
    k.push_back(field("transport.wsDeflate", st::boolean, &config::ws_deflate, 0, 0,
                      "WebSocket: offer permessage-deflate compression"));
    k.push_back(field("transport.tls.certFile", st::string, &config::tls_cert_file, 0, 0,
                      "PEM certificate (then its chain): serve HTTPS and WSS; empty: plain HTTP"));
    k.push_back(field("transport.tls.keyFile", st::string, &config::tls_key_file, 0, 0,
                      "PEM private key of transport.tls.certFile"));
    k.push_back(field("transport.tls.clientCaFile", st::string, &config::tls_client_ca_file, 0, 0,
                      "PEM CAs whose client certificates authenticate callers (required when "
                      "auth.mode is none)"));
    auto mode = field("auth.mode", st::string, &config::auth_mode, 0, 0,
                      "who may call /mcp: none (anyone who reaches the port), oauth (bearer "
                      "tokens from auth.issuer), apiKeys (auth.apiKeys in the config file)");
    mode.choices = {"none", "oauth", "apiKeys"};
    k.push_back(mode);
    k.push_back(field("auth.issuer", st::string, &config::auth_issuer, 0, 0,
                      "the authorization server's issuer URL (https; http only on loopback); "
                      "its metadata names the keys"));
    k.push_back(field("auth.resource", st::string, &config::auth_resource, 0, 0,
                      "the public URL of /mcp as clients reach it: tokens' audience, and the "
                      "metadata's resource"));
    k.push_back(field("auth.scopes", st::string_list, &config::auth_scopes, 0, 0,
                      "scopes every request needs (403 insufficient_scope without them)"));
    k.push_back(field("auth.scopesSupported", st::string_list, &config::auth_scopes_supported, 0, 0,
                      "scopes published in the resource metadata; empty: auth.scopes"));
    k.push_back(field("auth.leewaySeconds", st::integer, &config::auth_leeway_seconds, 0, 3600,
                      "clock skew allowed when checking a token's exp and nbf"));
    k.push_back(field("auth.tokenType", st::string, &config::auth_token_type, 0, 0,
                      "required JWT typ header (e.g. at+jwt, RFC 9068); empty: any"));
    k.push_back(field("auth.jwksRefreshSeconds", st::integer, &config::auth_jwks_refresh_seconds,
                      10, 604800, "refetch the issuer's key set this often"));
    k.push_back(field("auth.jwksMinRefetchSeconds", st::integer,
                      &config::auth_jwks_min_refetch_seconds, 0, 86400,
                      "least time between two fetches caused by an unknown key id"));
    k.push_back(field("auth.issuerCaFile", st::string, &config::auth_issuer_ca_file, 0, 0,
                      "PEM file of CAs trusted for the issuer besides the system's"));
    k.push_back(field("auth.tokenCacheSize", st::integer, &config::auth_token_cache_size, 0,
                      1000000,
                      "accepted tokens remembered so a repeated token skips the signature check "
                      "(0: verify every request)"));
    k.push_back(field("auth.introspectionClientId", st::string,
                      &config::auth_introspection_client_id, 0, 0,
                      "client id at the issuer for introspecting opaque tokens (RFC 7662); "
                      "empty: JWTs only"));
    auto secret = field("auth.introspectionClientSecret", st::string,
                        &config::auth_introspection_client_secret, 0, 0,
                        "that client's secret (prefer the environment variable to the file)");
    secret.secret = true;
    k.push_back(secret);
    k.push_back(field("auth.certificateScopes", st::string_list, &config::auth_certificate_scopes,
                      0, 0,
                      "scopes of a caller known by its client certificate; empty: auth.scopes"));
    k.push_back(field("runtime.schedulerThreads", st::integer, &config::scheduler_threads, 1, 256,
                      "CAF scheduler worker threads"));
    auto policy = field("runtime.schedulerPolicy", st::string, &config::scheduler_policy, 0, 0,
                        "CAF scheduler policy: sharing or stealing");
    policy.choices = {"sharing", "stealing"};
    k.push_back(policy);
    auto inflight = field("performance.maxInflight", st::integer, &config::max_inflight, 1,
                          10000000, "requests admitted and not yet answered, node-wide");
    inflight.alias_env = "MCP_MAX_INFLIGHT";
    k.push_back(inflight);
    auto batch = field("performance.batchSize", st::integer, &config::batch_size, 1, 65536,
                       "most queued frames coalesced into one socket write");
    batch.alias_env = "MCP_BATCH_SIZE";
    k.push_back(batch);
    auto watermark = field("performance.queueWatermark", st::number, &config::queue_watermark, 0.01,
                           1, "fraction of a bound at which a queue counts as congested");
    watermark.alias_env = "MCP_QUEUE_WATERMARK";
    k.push_back(watermark);
    k.push_back(field("limits.maxPayloadKb", st::integer, &config::max_payload_kb, 1, 1048576,
                      "largest request body accepted, in KiB (413 beyond)"));
    k.push_back(field("limits.requestTimeoutMs", st::integer, &config::request_timeout_ms, 1,
                      86400000, "a request not answered by then gets a timeout error"));
    k.push_back(field("limits.maxHeaderKb", st::integer, &config::max_header_kb, 1, 1024,
                      "largest request line plus header fields, in KiB (431, or 414 for the "
                      "request line alone)"));
    k.push_back(field("limits.headerTimeoutMs", st::integer, &config::header_timeout_ms, 100,
                      3600000,
                      "a request's header must arrive whole this soon after its first byte (or "
                      "after the connection opens); else the connection closes"));
    k.push_back(field("limits.maxConnectionsPerAddress", st::integer,
                      &config::max_connections_per_address, 0, 1000000,
                      "open connections one client address may hold (429 beyond); 0: no cap"));
    k.push_back(field("shutdown.drainTimeoutMs", st::integer, &config::shutdown_drain_timeout_ms, 0,
                      3600000,
                      "on SIGTERM/SIGINT, how long admitted calls may take to finish while new "
                      "requests get 503"));
    k.push_back(field("session.idleTimeoutMs", st::integer, &config::session_idle_timeout_ms, 1000,
                      604800000, "a 2025 session idle this long expires with all its state"));
    k.push_back(field("session.clientRequestTimeoutMs", st::integer,
                      &config::client_request_timeout_ms, 100, 86400000,
                      "how long a tool waits for the client to answer sampling, elicitation or "
                      "roots/list"));
    k.push_back(field("session.replayEvents", st::integer, &config::replay_events, 1, 1000000,
                      "events kept per session so a dropped stream resumes with Last-Event-ID"));
    k.push_back(field("session.maxSubscriptions", st::integer, &config::max_subscriptions, 1,
                      1000000, "resource subscriptions per session"));
    k.push_back(field("state.directory", st::string, &config::state_directory, 0, 0,
                      "where state is kept by default (absolute; default $STATE_DIRECTORY, "
                      "else $XDG_STATE_HOME/mcprt, else ~/.local/state/mcprt)"));
    k.push_back(field("jobs.storePath", st::string, &config::jobs_store_path, 0, 0,
                      "SQLite file of durable jobs and tasks (default "
                      "<state.directory>/jobs.sqlite; created with its directory; \":memory:\" "
                      "keeps none across restarts)"));
    k.push_back(field("jobs.defaultTimeoutMs", st::integer, &config::jobs_default_timeout_ms, 100,
                      604800000, "a job still running this long is stopped and fails (expired)"));
    k.push_back(field("jobs.resultTtlMs", st::integer, &config::jobs_result_ttl_ms, 1000,
                      31536000000, "how long a finished task and its result stay readable"));
    k.push_back(field("jobs.maxStoreMb", st::integer, &config::jobs_max_store_mb, 0, 1048576,
                      "cap on the job store file in MiB (0 = none); past it new tasks fail "
                      "with a clear error as on a full disk"));
    k.push_back(field("jobs.pollIntervalMs", st::integer, &config::jobs_poll_interval_ms, 10,
                      3600000, "tasks/get interval suggested to clients (pollInterval)"));
    k.push_back(field("cluster.name", st::string, &config::cluster_name, 0, 0,
                      "the cluster's name: nodes of another cluster are refused"));
    k.push_back(field("cluster.nodeName", st::string, &config::cluster_node_name, 0, 0,
                      "this node's stable name (1 to 16 of a-z, 0-9, '-'); empty: no cluster"));
    k.push_back(field("cluster.listen", st::string, &config::cluster_listen, 0, 0,
                      "host:port where this node's peers reach it"));
    k.push_back(field("cluster.secretFile", st::string, &config::cluster_secret_file, 0, 0,
                      "file of the key that seals request state, the same on every node: one "
                      "line (current) or two (current, then previous)"));
    k.push_back(field("cluster.heartbeatMs", st::integer, &config::cluster_heartbeat_ms, 100,
                      600000, "interval of heartbeats and pings between nodes"));
    k.push_back(field("cluster.deadAfterMs", st::integer, &config::cluster_dead_after_ms, 200,
                      3600000, "a peer silent (or not answering a ping) this long is down"));
    k.push_back(field("cluster.forwardTimeoutMs", st::integer, &config::cluster_forward_timeout_ms,
                      100, 600000,
                      "a peer must take a request relayed to it (its session or task) this soon"));
    k.push_back(field("cluster.tls.certFile", st::string, &config::cluster_tls_cert_file, 0, 0,
                      "this node's certificate (PEM, from the cluster's CA) for mutual TLS"));
    k.push_back(field("cluster.tls.keyFile", st::string, &config::cluster_tls_key_file, 0, 0,
                      "the certificate's private key (PEM)"));
    k.push_back(field("cluster.tls.caFile", st::string, &config::cluster_tls_ca_file, 0, 0,
                      "the cluster's CA (PEM): peers must present a certificate it signed"));
    k.push_back(field("notifier.shards", st::integer, &config::notifier_shards, 1, 256,
                      "notifier actors; topics are spread over them by hash"));
    k.push_back(field("notifier.subscriberQueue", st::integer, &config::subscriber_queue, 1,
                      1000000, "bound of each subscriber's notification queue (frames)"));
    k.push_back(field("notifier.maxQueueAgeMs", st::integer, &config::max_queue_age_ms, 0, 86400000,
                      "a subscriber whose oldest queued notification is this far behind the "
                      "newest is congested (its topic's policy applies) whatever the queue's "
                      "length; 0 = length only"));
    k.push_back(field("server.instructions", st::string, &config::instructions, 0, 0,
                      "instructions returned by initialize and server/discover"));
    k.push_back(field("tools.pageSize", st::integer, &config::tools_page_size, 1, 10000,
                      "tools per tools/list page"));
    k.push_back(field("tools.listTtlMs", st::integer, &config::list_ttl_ms, 0, 86400000,
                      "ttlMs of 2026-07-28 list and discover results"));
    k.push_back(field("plugins.enabled", st::string_list, &config::plugins_enabled, 0, 0,
                      "plugins to start, in order (built-in ones and those plugins.dirs loads)"));
    k.push_back(field("plugins.dirs", st::string_list, &config::plugins_dirs, 0, 0,
                      "directories whose *.so plugins are loaded at start (ABI-checked)"));
    k.push_back(field("supervision.maxRestarts", st::integer, &config::supervision_max_restarts, 0,
                      1000,
                      "restarts of a plugin whose actor died, per minute; past it, it stays down"));
    k.push_back(field("supervision.backoffMs", st::integer, &config::supervision_backoff_ms, 1,
                      600000, "wait before a plugin's first restart; doubles up to 100x"));
    k.push_back(field("supervision.stayDown", st::string_list, &config::supervision_stay_down, 0, 0,
                      "plugins that stay down when one of their actors dies"));
    auto level = field("log.level", st::string, &config::log_level, 0, 0,
                       "server log level: debug, info, warning, error");
    level.choices = {"debug", "info", "warning", "error"};
    k.push_back(level);
    auto line_format = field("log.format", st::string, &config::log_format, 0, 0,
                             "server log lines: text, or json (one object per line, the "
                             "message's key=value pairs as members)");
    line_format.choices = {"text", "json"};
    k.push_back(line_format);
    k.push_back(field("log.access", st::boolean, &config::log_access, 0, 0,
                      "one info line per answered request: method, tool or prompt, status, "
                      "duration, principal, transport, version, trace id (never payloads)"));
    return k;
  }();
  return keys;
}

std::string type_name(setting_type t) {
  switch (t) {
    case setting_type::integer:
      return "an integer";
    case setting_type::number:
      return "a number";
    case setting_type::boolean:
      return "a boolean";
    case setting_type::string:
      return "a string";
    case setting_type::string_list:
      return "a list of strings";
  }
  return "a value";
}

std::string format(const setting_value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, int64_t>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<T, double>) {
          std::ostringstream os;
          os << x;
          return os.str();
        } else if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return x;
        } else {
          std::string out;
          for (size_t i = 0; i < x.size(); ++i) {
            out += (i > 0 ? "," : "") + x[i];
          }
          return out;
        }
      },
      v);
}

// A key as the loader sees it: core (with a setter) or plugin-declared.
struct any_key {
  const key_def* core = nullptr;
  const setting_spec* plugin = nullptr;
  setting_type type() const { return core ? core->type : plugin->type; }
  double min() const { return core ? core->min : plugin->min; }
  double max() const { return core ? core->max : plugin->max; }
};

class loader {
 public:
  explicit loader(const load_request& req) : req_(req) {
    for (const auto& k : table()) {
      cfg_.sources[k.key] = "default";
    }
    for (const auto& s : req.plugin_settings) {
      cfg_.plugin_settings[s.key] = s.fallback;
      cfg_.sources[s.key] = "default";
    }
  }

  std::optional<std::string> run() {
    if (req_.file) {
      if (auto err = load_file(*req_.file)) {
        return err;
      }
    }
    if (auto err = load_env()) {
      return err;
    }
    for (const auto& [key, text] : req_.sets) {
      auto k = find(key);
      if (!k && req_.core_only) {
        continue;
      }
      if (!k) {
        return "unknown key '" + key + "' in --set";
      }
      if (auto err = set_text(key, *k, text, "flag")) {
        return err;
      }
    }
    if (auto err = validate_tls()) {
      return err;
    }
    if (auto err = validate_cluster()) {
      return err;
    }
    if (auto err = req_.core_only ? std::nullopt : read_cluster_secrets()) {
      return err;  // Read once: the core-only pass (plugins.dirs) does not need the keys.
    }
    if (auto err = fill_state_paths()) {
      return err;
    }
    return req_.core_only ? std::nullopt : validate_plugins();
  }

  config take() { return std::move(cfg_); }

 private:
  std::optional<any_key> find(const std::string& key) const {
    for (const auto& k : table()) {
      if (k.key == key) {
        return any_key{&k, nullptr};
      }
    }
    for (const auto& s : req_.plugin_settings) {
      if (s.key == key) {
        return any_key{nullptr, &s};
      }
    }
    return std::nullopt;
  }

  bool is_section(const std::string& prefix) const {
    auto p = prefix + ".";
    auto starts = [&p](const std::string& k) { return k.compare(0, p.size(), p) == 0; };
    return std::any_of(table().begin(), table().end(), [&](auto& k) { return starts(k.key); }) ||
           std::any_of(req_.plugin_settings.begin(), req_.plugin_settings.end(),
                       [&](auto& s) { return starts(s.key); });
  }

  std::optional<std::string> check_and_store(const std::string& key, const any_key& k,
                                             setting_value v, const std::string& source) {
    if (k.min() != 0 || k.max() != 0) {
      double n = std::holds_alternative<int64_t>(v)  ? static_cast<double>(std::get<int64_t>(v))
                 : std::holds_alternative<double>(v) ? std::get<double>(v)
                                                     : 0;
      if (n < k.min() || n > k.max()) {
        std::ostringstream os;
        os << "key '" << key << "' is out of range: " << format(v) << " (allowed " << k.min()
           << " to " << k.max() << ")";
        return os.str();
      }
    }
    if (k.core != nullptr && !k.core->choices.empty()) {
      auto& s = std::get<std::string>(v);
      if (std::find(k.core->choices.begin(), k.core->choices.end(), s) == k.core->choices.end()) {
        std::string allowed;
        for (auto& c : k.core->choices) {
          allowed += (allowed.empty() ? "" : ", ") + c;
        }
        return "key '" + key + "' must be one of " + allowed + ", not '" + s + "'";
      }
    }
    if (k.core != nullptr) {
      k.core->set(cfg_, v);
    } else {
      cfg_.plugin_settings[key] = std::move(v);
    }
    cfg_.sources[key] = source;
    return std::nullopt;
  }

  std::optional<std::string> set_text(const std::string& key, const any_key& k,
                                      const std::string& text, const std::string& source) {
    auto wrong = [&] {
      return "key '" + key + "' must be " + type_name(k.type()) + ", not '" + text + "'";
    };
    switch (k.type()) {
      case setting_type::integer: {
        int64_t n = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc{} || ptr != text.data() + text.size()) {
          return wrong();
        }
        return check_and_store(key, k, n, source);
      }
      case setting_type::number: {
        char* end = nullptr;
        double d = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(d)) {
          return wrong();
        }
        return check_and_store(key, k, d, source);
      }
      case setting_type::boolean:
        if (text == "true" || text == "1") {
          return check_and_store(key, k, true, source);
        }
        if (text == "false" || text == "0") {
          return check_and_store(key, k, false, source);
        }
        return wrong();
      case setting_type::string:
        return check_and_store(key, k, text, source);
      case setting_type::string_list: {
        std::vector<std::string> items;
        std::stringstream ss(text);
        std::string item;
        while (std::getline(ss, item, ',')) {
          if (!item.empty()) {
            items.push_back(item);
          }
        }
        return check_and_store(key, k, std::move(items), source);
      }
    }
    return wrong();
  }

  std::optional<std::string> set_json(const std::string& key, const any_key& k,
                                      const rapidjson::Value& v) {
    auto wrong = [&] { return "key '" + key + "' must be " + type_name(k.type()); };
    switch (k.type()) {
      case setting_type::integer:
        if (!v.IsInt64()) {
          return wrong();
        }
        return check_and_store(key, k, v.GetInt64(), "file");
      case setting_type::number:
        if (!v.IsNumber()) {
          return wrong();
        }
        return check_and_store(key, k, v.GetDouble(), "file");
      case setting_type::boolean:
        if (!v.IsBool()) {
          return wrong();
        }
        return check_and_store(key, k, v.GetBool(), "file");
      case setting_type::string:
        if (!v.IsString()) {
          return wrong();
        }
        return check_and_store(key, k, std::string(v.GetString(), v.GetStringLength()), "file");
      case setting_type::string_list: {
        if (!v.IsArray()) {
          return wrong();
        }
        std::vector<std::string> items;
        for (auto& e : v.GetArray()) {
          if (!e.IsString()) {
            return wrong();
          }
          items.emplace_back(e.GetString(), e.GetStringLength());
        }
        return check_and_store(key, k, std::move(items), "file");
      }
    }
    return wrong();
  }

  std::optional<std::string> walk(const rapidjson::Value& obj, const std::string& prefix) {
    for (auto& m : obj.GetObject()) {
      std::string key = prefix.empty() ? m.name.GetString() : prefix + "." + m.name.GetString();
      if (key == "adapters") {
        if (auto err = parse_adapters(m.value, cfg_.adapters)) {
          return "config file: " + *err;
        }
      } else if (key == "cluster.peers") {
        if (auto err = parse_cluster_peers(m.value, cfg_.cluster_peers)) {
          return "config file: " + *err;
        }
      } else if (key == "auth.apiKeys") {
        if (auto err = parse_api_keys(m.value, cfg_.auth_api_keys)) {
          return "config file: " + *err;
        }
      } else if (auto* map = scope_map(key)) {
        if (auto err = parse_scope_map(key, m.value, *map)) {
          return "config file: " + *err;
        }
      } else if (auto k = find(key)) {
        if (auto err = set_json(key, *k, m.value)) {
          return err;
        }
      } else if (m.value.IsObject() && is_section(key)) {
        if (auto err = walk(m.value, key)) {
          return err;
        }
      } else if (!req_.core_only) {
        return "unknown key '" + key + "' in the config file";
      }
    }
    return std::nullopt;
  }

  std::map<std::string, std::vector<std::string>>* scope_map(const std::string& key) {
    if (key == "auth.methodScopes") {
      return &cfg_.auth_method_scopes;
    }
    if (key == "auth.toolScopes") {
      return &cfg_.auth_tool_scopes;
    }
    if (key == "auth.resourceScopes") {
      return &cfg_.auth_resource_scopes;
    }
    return nullptr;
  }

  // {"name": ["scope", ...], ...}
  static std::optional<std::string> parse_scope_map(
      const std::string& key, const rapidjson::Value& v,
      std::map<std::string, std::vector<std::string>>& out) {
    if (!v.IsObject()) {
      return key + " must be an object of scope lists";
    }
    for (const auto& m : v.GetObject()) {
      std::string name = m.name.GetString();
      if (!m.value.IsArray()) {
        return key + "." + name + " must be a list of scopes";
      }
      auto& scopes = out[name];
      for (const auto& s : m.value.GetArray()) {
        if (!s.IsString() || s.GetStringLength() == 0) {
          return key + "." + name + " must hold non-empty strings";
        }
        scopes.emplace_back(s.GetString());
      }
    }
    return std::nullopt;
  }

  // auth.apiKeys: [{"name": ..., "sha256": ..., "scopes": [...]}]; checked by the gate.
  static std::optional<std::string> parse_api_keys(const rapidjson::Value& v,
                                                   std::vector<api_key_entry>& out) {
    if (!v.IsArray()) {
      return std::string("auth.apiKeys must be an array");
    }
    for (const auto& e : v.GetArray()) {
      api_key_entry key;
      if (!e.IsObject()) {
        return std::string("each auth.apiKeys entry must be an object");
      }
      for (const auto& m : e.GetObject()) {
        std::string name = m.name.GetString();
        if ((name == "name" || name == "sha256") && m.value.IsString()) {
          (name == "name" ? key.name : key.sha256) = m.value.GetString();
        } else if (name == "scopes" && m.value.IsArray()) {
          for (const auto& s : m.value.GetArray()) {
            if (!s.IsString()) {
              return "auth.apiKeys entry '" + key.name + "': scopes must be strings";
            }
            key.scopes.emplace_back(s.GetString());
          }
        } else {
          return "auth.apiKeys entry: unknown or mistyped member '" + name + "'";
        }
      }
      out.push_back(std::move(key));
    }
    return std::nullopt;
  }

  std::optional<std::string> load_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
      return "config file '" + path + "' cannot be read";
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto text = ss.str();
    rapidjson::Document doc;
    if (auto bad = parse_json(doc, text)) {
      return "config file '" + path + "' is not valid JSON: " + describe(*bad);
    }
    if (!doc.IsObject()) {
      return "config file '" + path + "' must hold a JSON object";
    }
    if (auto twice = repeated_key(doc, "")) {
      // JSON parsers differ on which of two equal keys wins: an operator's file must not.
      return "config file '" + path + "' names '" + *twice + "' twice";
    }
    return walk(doc, "");
  }

  // The first key an object of `v` (at any depth) holds twice, as a dotted path.
  static std::optional<std::string> repeated_key(const rapidjson::Value& v,
                                                 const std::string& prefix) {
    if (v.IsArray()) {
      for (const auto& item : v.GetArray()) {
        if (auto twice = repeated_key(item, prefix)) {
          return twice;
        }
      }
    }
    if (!v.IsObject()) {
      return std::nullopt;
    }
    std::set<std::string_view> seen;
    for (const auto& m : v.GetObject()) {
      std::string_view name(m.name.GetString(), m.name.GetStringLength());
      auto path = prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
      if (!seen.insert(name).second) {
        return path;
      }
      if (auto twice = repeated_key(m.value, path)) {
        return twice;
      }
    }
    return std::nullopt;
  }

  std::optional<std::string> load_env() {
    auto apply = [&](const std::string& key, const any_key& k,
                     const std::string& name) -> std::optional<std::string> {
      if (const char* v = req_.getenv(name.c_str())) {
        if (auto err = set_text(key, k, v, "env")) {
          return *err + " (from " + name + ")";
        }
      }
      return std::nullopt;
    };
    for (const auto& k : table()) {
      if (!k.alias_env.empty()) {
        if (auto err = apply(k.key, any_key{&k, nullptr}, k.alias_env)) {
          return err;
        }
      }
      if (auto err = apply(k.key, any_key{&k, nullptr}, env_name(k.key))) {
        return err;
      }
    }
    for (const auto& s : req_.plugin_settings) {
      if (auto err = apply(s.key, any_key{nullptr, &s}, env_name(s.key))) {
        return err;
      }
    }
    return std::nullopt;
  }

  // Paths whose defaults live under the state directory, made absolute here so that a start
  // from any working directory (a unit's, `/`) finds the same files.
  std::optional<std::string> fill_state_paths() {
    if (cfg_.state_directory.empty()) {
      cfg_.state_directory = state_directory_default(req_.getenv);
    } else if (cfg_.state_directory.front() != '/') {
      return "key 'state.directory' must be an absolute path, not '" + cfg_.state_directory + "'";
    }
    if (cfg_.jobs_store_path.empty()) {
      cfg_.jobs_store_path = cfg_.state_directory + "/jobs.sqlite";
    }
    return std::nullopt;
  }

  std::optional<std::string> validate_tls() const {
    if (cfg_.tls_cert_file.empty() != cfg_.tls_key_file.empty()) {
      return std::string(
          "keys 'transport.tls.certFile' and 'transport.tls.keyFile' go together: set both");
    }
    if (!cfg_.tls_client_ca_file.empty() && cfg_.tls_cert_file.empty()) {
      return std::string("key 'transport.tls.clientCaFile' needs TLS: set transport.tls.certFile");
    }
    return std::nullopt;
  }

  // A cluster needs a name, an address and peers that are not itself; without mutual TLS it
  // may only use loopback addresses (BASP is unauthenticated plaintext).
  std::optional<std::string> validate_cluster() const {
    const auto& c = cfg_;
    if (c.cluster_node_name.empty()) {
      if (!c.cluster_peers.empty() || !c.cluster_listen.empty()) {
        return std::string("cluster.peers and cluster.listen need cluster.nodeName");
      }
      return std::nullopt;
    }
    if (!valid_node_name(c.cluster_node_name)) {
      return "cluster.nodeName must be 1 to 16 of a-z, 0-9 and '-', not '" + c.cluster_node_name +
             "'";
    }
    if (c.cluster_name.empty()) {
      return std::string("cluster.name must not be empty");
    }
    std::string host;
    uint16_t port = 0;
    if (!split_host_port(c.cluster_listen, host, port)) {
      return "cluster.listen must be host:port, not '" + c.cluster_listen + "'";
    }
    bool tls = !c.cluster_tls_cert_file.empty() || !c.cluster_tls_key_file.empty() ||
               !c.cluster_tls_ca_file.empty();
    if (tls && (c.cluster_tls_cert_file.empty() || c.cluster_tls_key_file.empty() ||
                c.cluster_tls_ca_file.empty())) {
      return std::string(
          "cluster.tls.certFile, cluster.tls.keyFile and cluster.tls.caFile go together: set all "
          "three (mutual TLS between nodes)");
    }
    if (c.cluster_dead_after_ms <= c.cluster_heartbeat_ms) {
      return std::string("cluster.deadAfterMs must be longer than cluster.heartbeatMs");
    }
    auto plain_ok = [&](const std::string& h,
                        const std::string& key) -> std::optional<std::string> {
      if (!tls && !is_loopback_host(h)) {
        return key + " '" + h +
               "' is not a loopback address: between machines the cluster needs mutual TLS "
               "(cluster.tls.certFile, keyFile, caFile)";
      }
      return std::nullopt;
    };
    if (auto err = plain_ok(host, "cluster.listen")) {
      return err;
    }
    for (const auto& p : c.cluster_peers) {
      if (p.name == c.cluster_node_name) {
        return "cluster.peers lists this node itself ('" + p.name + "')";
      }
      split_host_port(p.address, host, port);
      if (auto err = plain_ok(host, "cluster.peers address")) {
        return err;
      }
    }
    return std::nullopt;
  }

  // cluster.secretFile: one key per line, current first; each long enough to be a key.
  std::optional<std::string> read_cluster_secrets() {
    cfg_.cluster_secrets.clear();
    const auto& path = cfg_.cluster_secret_file;
    if (path.empty()) {
      return std::nullopt;
    }
    std::ifstream in(path);
    if (!in) {
      return "cluster.secretFile '" + path + "' cannot be read";
    }
    std::string line;
    while (std::getline(in, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
        line.pop_back();
      }
      if (line.empty()) {
        continue;
      }
      if (line.size() < 32) {
        return "cluster.secretFile '" + path +
               "': each key must be at least 32 characters (openssl rand -hex 32 makes one)";
      }
      cfg_.cluster_secrets.push_back(line);
    }
    if (cfg_.cluster_secrets.empty() || cfg_.cluster_secrets.size() > 2) {
      return "cluster.secretFile '" + path +
             "' must hold one key, or two (the current, then the previous)";
    }
    return std::nullopt;
  }

  std::optional<std::string> validate_plugins() const {
    for (const auto& p : cfg_.plugins_enabled) {
      if (std::find(req_.known_plugins.begin(), req_.known_plugins.end(), p) ==
          req_.known_plugins.end()) {
        std::string known;
        for (auto& n : req_.known_plugins) {
          known += (known.empty() ? "" : ", ") + n;
        }
        return "key 'plugins.enabled' names unknown plugin '" + p + "' (known: " + known + ")";
      }
    }
    for (const auto& p : cfg_.supervision_stay_down) {
      if (std::find(req_.known_plugins.begin(), req_.known_plugins.end(), p) ==
          req_.known_plugins.end()) {
        return "key 'supervision.stayDown' names unknown plugin '" + p + "'";
      }
    }
    return std::nullopt;
  }

  const load_request& req_;
  config cfg_;
};

}  // namespace

std::string env_name(const std::string& key) {
  std::string out = "MCPRT_";
  for (char c : key) {
    if (c == '.') {
      out += '_';
    } else if (std::isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += c;
    } else {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

std::string state_directory_default(const std::function<const char*(const char*)>& getenv) {
  auto set = [&getenv](const char* name) -> std::string {
    const char* v = getenv(name);
    return v != nullptr && v[0] == '/' ? std::string(v) : std::string();
  };
  // systemd passes a colon-separated list when a unit names several; the first is ours.
  if (auto dir = set("STATE_DIRECTORY"); !dir.empty()) {
    return dir.substr(0, dir.find(':'));
  }
  if (auto dir = set("XDG_STATE_HOME"); !dir.empty()) {
    return dir + "/mcprt";
  }
  if (auto dir = set("HOME"); !dir.empty() && dir != "/") {
    return dir + "/.local/state/mcprt";
  }
  return "/var/lib/mcprt";
}

load_result load(const load_request& request) {
  loader l(request);
  if (auto err = l.run()) {
    return *err;
  }
  return l.take();
}

std::vector<key_info> core_keys() {
  std::vector<key_info> out;
  for (const auto& k : table()) {
    out.push_back({k.key,
                   k.alias_env.empty() ? env_name(k.key) : k.alias_env + ", " + env_name(k.key),
                   k.type, k.help});
  }
  return out;
}

std::vector<std::string> changed_keys(const config& before, const config& after) {
  std::vector<std::string> out;
  for (const auto& k : table()) {
    if (format(k.get(before)) != format(k.get(after))) {
      out.push_back(k.key);
    }
  }
  for (const auto& [key, value] : after.plugin_settings) {
    auto it = before.plugin_settings.find(key);
    if (it == before.plugin_settings.end() || format(it->second) != format(value)) {
      out.push_back(key);
    }
  }
  for (const auto& [key, value] : before.plugin_settings) {
    if (after.plugin_settings.count(key) == 0) {
      out.push_back(key);
    }
  }
  // The sections only the file holds, compared whole.
  if (before.auth_api_keys != after.auth_api_keys) {
    out.emplace_back("auth.apiKeys");
  }
  if (before.adapters != after.adapters) {
    out.emplace_back("adapters");
  }
  if (before.cluster_peers != after.cluster_peers) {
    out.emplace_back("cluster.peers");
  }
  if (before.auth_method_scopes != after.auth_method_scopes) {
    out.emplace_back("auth.methodScopes");
  }
  if (before.auth_tool_scopes != after.auth_tool_scopes) {
    out.emplace_back("auth.toolScopes");
  }
  if (before.auth_resource_scopes != after.auth_resource_scopes) {
    out.emplace_back("auth.resourceScopes");
  }
  return out;
}

std::string describe(const config& cfg, const std::vector<setting_spec>& plugin_settings) {
  std::ostringstream os;
  auto line = [&](const std::string& key, const setting_value& v, const std::string& env,
                  bool secret) {
    auto src = cfg.sources.count(key) ? cfg.sources.at(key) : "default";
    auto shown = format(v);
    if (secret && !shown.empty()) {
      shown = "(set, not shown)";
    }
    os << key << " = " << shown << "  (" << src << "; env " << env << ")\n";
  };
  for (const auto& k : table()) {
    line(k.key, k.get(cfg), k.alias_env.empty() ? env_name(k.key) : k.alias_env, k.secret);
  }
  for (const auto& s : plugin_settings) {
    auto it = cfg.plugin_settings.find(s.key);
    line(s.key, it != cfg.plugin_settings.end() ? it->second : s.fallback, env_name(s.key), false);
  }
  // The file-only sections: what each adapter runs (its env's values are not shown: they
  // may hold credentials for the worker).
  for (size_t i = 0; i < cfg.adapters.size(); ++i) {
    const auto& a = cfg.adapters[i];
    os << "adapters[" << i << "] = " << a.name << ": " << a.command;
    for (const auto& arg : a.args) {
      os << ' ' << arg;
    }
    os << "  (file; workers " << a.min_workers << ".." << a.max_workers << ", prefix '"
       << a.tool_prefix << "', env";
    for (const auto& [name, value] : a.env) {
      os << ' ' << name;
    }
    for (const auto& name : a.inherit_env) {
      os << ' ' << name << "(inherited)";
    }
    os << ")\n";
  }
  if (!cfg.auth_api_keys.empty()) {
    os << "auth.apiKeys = " << cfg.auth_api_keys.size() << " keys (file; digests not shown)\n";
  }
  for (size_t i = 0; i < cfg.cluster_peers.size(); ++i) {
    os << "cluster.peers[" << i << "] = " << cfg.cluster_peers[i].name << " at "
       << cfg.cluster_peers[i].address << " (file)\n";
  }
  return os.str();
}

}  // namespace mcprt::config
