// The supervision root: start in dependency order, serve, stop in reverse.
#include "actors/node/node.hpp"

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "actors/catalog/plugin_host.hpp"
#include "actors/dispatch/capabilities_doc.hpp"
#include "actors/front/endpoint.hpp"
#include "actors/front/message_peer.hpp"
#include "actors/node/options.hpp"
#include "actors/session/session.hpp"
#include "runtime/api/mcp_errors.hpp"
#include "runtime/io/admission.hpp"
#include "runtime/mcp/request_state.hpp"
#include "runtime/observe/access_log.hpp"
#include "runtime/observe/log.hpp"
#include "transport/http_client.hpp"
#include "transport/http_server.hpp"
#include "transport/stdio.hpp"

namespace mcprt::actors::node {

namespace {

// The actor system reads its config when it is built: set the scheduler first.
caf::actor_system_config& configured(caf::actor_system_config& caf_cfg, const config::config& cfg,
                                     const std::optional<cluster::cluster_options>& cluster) {
  configure_scheduler(cfg, caf_cfg);
  register_mcp_errors(caf_cfg);
  if (cluster) {
    cluster::configure_actor_system(*cluster, caf_cfg);
  }
  return caf_cfg;
}

}  // namespace

node::node(const config::config& cfg)
    : cfg_(cfg),
      metrics_(
          std::make_shared<mcprt::metrics>(static_cast<double>(cfg.request_timeout_ms) / 1000)),
      tools_(std::make_shared<catalog::catalog_source>()),
      sessions_(std::make_shared<session::session_table>()),
      bound_sessions_(std::make_shared<session::session_table>()),
      cluster_options_(cluster_options_of(cfg)),
      ids_(id_issuer_of(cluster_options_)),
      system_(configured(caf_cfg_, cfg, cluster_options_)),
      notes_(std::make_shared<notifier::notifier>(system_, static_cast<size_t>(cfg.notifier_shards),
                                                  metrics_)),
      live_(std::make_shared<catalog::node_catalog>(system_, tools_, notes_)),
      profile_(std::make_shared<dispatch::server_profile>()) {
  profile_->instructions = cfg.instructions;
  profile_->list_ttl_ms = cfg.list_ttl_ms;
  profile_->page_size = static_cast<size_t>(cfg.tools_page_size);
}

expected<std::unique_ptr<node>, std::string> node::start(const config::config& cfg,
                                                         const std::vector<plugin>& plugins,
                                                         bool stdio) {
  if (!cfg.cluster_secrets.empty()) {
    // Every node seals request state under the same key, so an MRTR retry may land anywhere.
    request_state::use_keys(cfg.cluster_secrets[0],
                            cfg.cluster_secrets.size() > 1 ? cfg.cluster_secrets[1] : "");
  }
  std::unique_ptr<node> n(new node(cfg));
  if (auto why = n->start_jobs(stdio); !why.empty()) {
    return why;
  }
  if (auto why = n->start_gate(); !why.empty()) {
    return why;
  }
  auto started = n->start_plugins(plugins);
  if (auto* why = started.failure()) {
    return *why;
  }
  n->start_adapters();
  n->supervise(plugins, std::move(started.value()));
  if (auto why = n->start_cluster(); !why.empty()) {
    return why;
  }
  return n;
}

node::~node() {
  stop_tree();
}

// The durable job store and the job service over it; a one-line reason when the file cannot
// be used (unwritable directory, corrupt or locked file).
std::string node::start_jobs(bool stdio) {
  // A stdio server lives and dies with its one client, and pools run several side by side:
  // unless told otherwise it keeps its jobs in memory instead of locking the shared default file.
  auto source = cfg_.sources.find("jobs.storePath");
  bool defaulted = source == cfg_.sources.end() || source->second == "default";
  const std::string path = stdio && defaulted ? ":memory:" : cfg_.jobs_store_path;
  if (path != ":memory:") {
    std::error_code ec;
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty() && !std::filesystem::create_directories(dir, ec) && ec) {
      return "cannot create the directory of jobs.storePath '" + path + "': " + ec.message();
    }
  }
  auto store = jobs::job_store::open(path, cfg_.jobs_max_store_mb * 1024 * 1024);
  if (auto* why = store.failure()) {
    return *why;
  }
  jobs_ = std::make_shared<jobs::job_service>(system_, std::move(store.value()),
                                              job_options_of(cfg_, ids_), notes_);
  jobs_->set_metrics(std::make_shared<jobs::job_metrics>(metrics_->registry()));
  if (path != ":memory:") {
    // The file and its write-ahead log: what jobs.maxStoreMb bounds, and the disk it takes.
    metrics_->gauge_at_scrape("mcprt_job_store_bytes",
                              "Size of the job store file and its write-ahead log", [path] {
                                std::error_code ec;
                                double bytes = 0;
                                for (const auto& f : {path, path + "-wal"}) {
                                  auto size = std::filesystem::file_size(f, ec);
                                  bytes += ec ? 0 : static_cast<double>(size);
                                }
                                return bytes;
                              });
  }
  jobs_->sweep_periodically();
  return {};
}

// Joins the cluster: publishes the gateway on cluster.listen and starts dialing the peers.
std::string node::start_cluster() {
  if (!cluster_options_) {
    return {};
  }
  const auto& o = *cluster_options_;
  auto started = cluster::membership::start(system_, o, metrics_, notes_);
  if (auto* why = started.failure()) {
    return *why;
  }
  membership_ = std::move(started.value());
  bool tls = !cfg_.cluster_tls_cert_file.empty();
  log::info("cluster=" + o.cluster_name + " node=" + o.node +
            " incarnation=" + hex64(o.incarnation) + " listening for peers on " + o.listen_host +
            ":" + std::to_string(membership_->port()) + " peers=" + std::to_string(o.peers.size()) +
            (tls ? " (mutual TLS)" : " (plaintext: loopback addresses only)"));
  return {};
}

std::string node::start_gate() {
  auto options = gate_options_of(cfg_);
  if (options.mode == identity::auth_mode::oauth) {
    auto client = transport::http_client::make(cfg_.auth_issuer_ca_file);
    if (!client) {
      return "auth.issuerCaFile: " + client.error();
    }
    http_client_ = std::move(client.value());
  }
  auto made = identity::gate::make(options, system_, http_client_, metrics_->registry());
  if (!made) {
    return made.error();
  }
  gate_ = std::move(made.value());
  if (gate_->enabled()) {
    log::info("auth mode=" + cfg_.auth_mode + " resource=" + cfg_.auth_resource +
              (cfg_.auth_issuer.empty() ? "" : " issuer=" + cfg_.auth_issuer));
  }
  return {};
}

// Starts the enabled plugins in order; their tools form the first catalog.
expected<std::vector<watched_plugin>, std::string> node::start_plugins(
    const std::vector<plugin>& plugins) {
  auto publisher = catalog::make_publisher(notes_);
  catalog::catalog_builder builder;
  std::vector<watched_plugin> watched;
  for (const auto& name : cfg_.plugins_enabled) {
    for (const auto& p : plugins) {
      if (p.name != name) {
        continue;
      }
      catalog::plugin_host ctx(system_, section_of(cfg_, p.name), builder, publisher, live_);
      ctx.set_state_directory(cfg_.state_directory);
      if (auto err = p.start(ctx)) {
        tools_->publish(builder.build());
        // A half-started plugin may own actors nobody can name: do not wait for them.
        system_.await_actors_before_shutdown(false);
        return "plugin '" + p.name + "' failed to start: " + system_.render(err);
      }
      auto stays_down =
          std::find(cfg_.supervision_stay_down.begin(), cfg_.supervision_stay_down.end(), p.name) !=
          cfg_.supervision_stay_down.end();
      watched.push_back({p.name, stays_down ? restart_policy::stay_down : p.restart, ctx.actors()});
      log::info("plugin started plugin=" + p.name + " version=" + p.version);
    }
  }
  tools_->publish(builder.build());
  return watched;
}

void node::supervise(const std::vector<plugin>& plugins, std::vector<watched_plugin> watched) {
  // The starter runs on the supervisor's thread: it holds what it uses, never the node.
  auto starter = [&sys = system_, cfg = std::make_shared<const config::config>(cfg_), plugins,
                  publisher = catalog::make_publisher(notes_),
                  live = live_](const std::string& name) -> expected<plugin_start, std::string> {
    for (const auto& p : plugins) {
      if (p.name != name) {
        continue;
      }
      catalog::catalog_builder builder;
      catalog::plugin_host ctx(sys, section_of(*cfg, name), builder, publisher, live);
      ctx.set_state_directory(cfg->state_directory);
      if (auto err = p.start(ctx)) {
        for (const auto& a : ctx.actors()) {
          caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
        }
        return sys.render(err);
      }
      return plugin_start{builder.build(), ctx.actors()};
    }
    return std::string("no such plugin");
  };
  supervision_options options;
  options.backoff = std::chrono::milliseconds(cfg_.supervision_backoff_ms);
  options.max_restarts = static_cast<int>(cfg_.supervision_max_restarts);
  supervisor_ = spawn_supervisor(system_, options, std::move(watched), watched_parts(), live_,
                                 std::move(starter), metrics_);
}

// The node's own parts that run on actors: each replaces one that ends on its own.
std::vector<watched_service> node::watched_parts() {
  std::vector<watched_service> parts;
  parts.push_back(
      {"notifier", "shard", notes_->shard_addresses(),
       [notes = notes_](const caf::actor_addr& dead) { return notes->replace_shard(dead); }});
  if (jobs_) {
    parts.push_back(
        {"jobs", "sweep", {jobs_->sweep_address()}, [jobs = jobs_](const caf::actor_addr& dead) {
           return jobs->replace_sweep(dead);
         }});
  }
  for (const auto& pool : pools_) {
    parts.push_back({"adapter:" + pool->options().name,
                     "pool",
                     {pool->actor_address()},
                     [pool](const caf::actor_addr& dead) { return pool->replace(dead); }});
  }
  return parts;
}

// One pool per configured adapter; their tools join the live catalog once a worker lists
// them, so a slow or broken adapter never holds up the server.
void node::start_adapters() {
  for (const auto& a : cfg_.adapters) {
    auto pool = std::make_shared<adapters::adapter_pool>(adapter_options_of(a), system_, live_,
                                                         metrics_->registry());
    pool->start();
    log::info("adapter started adapter=" + a.name + " command=" + a.command);
    pools_.push_back(std::move(pool));
  }
}

session::node_context_ptr node::context() {
  auto c = std::make_shared<session::node_context>();
  c->system = &system_;
  c->tools = tools_;
  c->profile = profile_;
  c->metrics = metrics_;
  c->notifier = notes_;
  c->jobs = jobs_;
  c->streams = stream_options_of(cfg_);
  // One source for every front, as for the scopes below, so a reload reaches new streams.
  if (!outbox_limits_) {
    outbox_limits_ = c->streams.limits;
  }
  c->streams.limits = outbox_limits_;
  c->client_request_timeout = std::chrono::milliseconds(cfg_.client_request_timeout_ms);
  c->ids = ids_;
  if (cfg_.auth_mode != "none") {
    // One source for every front the node builds, so a reload reaches them all.
    if (!scopes_) {
      scopes_ = std::make_shared<scope_policy_source>(scope_policy_of(cfg_));
    }
    c->scopes = scopes_;
  }
  return c;
}

int node::serve_stdio() {
  // Shared: late answers from actor threads may still write after stdin has closed.
  auto pipe =
      std::make_shared<transport::stdio_transport>(static_cast<size_t>(cfg_.max_payload_kb) * 1024);
  auto box = std::make_shared<outbox>(outbox_limits_of(cfg_), stream_format::raw, metrics_);
  pipe->attach(box);
  front::message_peer peer({context(), box, bound_sessions_, nullptr, wire::stdio, nullptr});
  log::info("serving one client on stdio");
  pipe->run([&peer](const std::string& line) { peer.on_message(line); },
            [&peer] { peer.on_oversized(); });
  // Answer what was asked before stopping, within the request timeout.
  if (int left = peer.drain(std::chrono::milliseconds(cfg_.request_timeout_ms)); left > 0) {
    log::warn("stdin closed with " + std::to_string(left) + " requests unanswered");
  }
  log::info("stdin closed; stopping");
  return 0;
}

int node::serve_http(const sigset_t& signals, const config_source& reread) {
  front::endpoint_parts parts{context(),
                              sessions_,
                              std::make_shared<admission>(cfg_.max_inflight),
                              bound_sessions_,
                              {},
                              gate_,
                              {},
                              {},
                              {}};
  published_limits_->set(node_limits_of(cfg_));
  // The membership outlives the server (stop_tree stops its actors; its table stays readable).
  const cluster::membership* members = membership_.get();
  parts.capabilities = [limits = published_limits_, pools = pools_, members] {
    return dispatch::capabilities_document(limits->get(), pools,
                                           members ? members->describe() : std::string());
  };
  if (members) {
    parts.cluster_state = [members] {
      return std::pair<std::string, bool>{members->describe(), !members->all_up()};
    };
    parts.forwarder = members->forwarding();
  }
  parts.degraded_adapters = [pools = pools_] {
    std::vector<std::string> down;
    for (const auto& p : pools) {
      if (!p->available()) {
        down.push_back(p->options().name);
      }
    }
    return down;
  };
  auto admitted = parts.admission;
  auto ep = std::make_shared<front::endpoint>(endpoint_options_of(cfg_), std::move(parts));

  transport::http_server server(server_options_of(cfg_), ep, metrics_);
  if (auto why = server.load_tls(); !why.empty()) {
    std::fprintf(stderr, "mcprt: %s\n", why.c_str());
    return 1;
  }
  uint16_t port = 0;
  if (auto ec = server.listen(port)) {
    std::fprintf(stderr, "mcprt: cannot listen on %s:%lld: %s\n", cfg_.host.c_str(),
                 static_cast<long long>(cfg_.port), ec.message().c_str());
    return 1;
  }
  server.start();
  log::info("transport io_threads=" + std::to_string(server.io_threads()) +
            (cfg_.io_threads == 0 ? " (transport.ioThreads=0: one per core but one)" : ""));
  if (membership_) {
    // Requests peers relay here (for sessions and tasks of this node) are served from now on.
    membership_->serve_forwarded_with(
        [weak = std::weak_ptr<front::endpoint>(ep)](http_request r, principal who,
                                                    const http_exchange_ptr& ex) {
          if (auto e = weak.lock()) {
            e->serve_forwarded(std::move(r), std::move(who), ex);
          } else {
            ex->abort();
          }
        });
  }
  auto host = cfg_.host.find(':') != std::string::npos ? "[" + cfg_.host + "]" : cfg_.host;
  // One write: adapter threads are already logging, and scripts wait for this exact line.
  auto scheme = cfg_.tls_cert_file.empty() ? "http://" : "https://";
  auto listening = "mcprt listening on " + (scheme + host) + ":" + std::to_string(port) + "/mcp\n";
  std::fwrite(listening.data(), 1, listening.size(), stderr);

  int sig = 0;
  for (;;) {
    sigwait(&signals, &sig);
    if (sig != SIGHUP) {
      break;
    }
    reload(reread, *admitted, server, *ep);
  }
  drain(*admitted, sig, signals, server);
  if (membership_) {
    membership_->serve_forwarded_with(nullptr);
  }
  server.stop();
  // Stop the actors and wait for them while the server's io_context still exists: a session
  // or tool may hold a pending answer whose exchange refers to a connection's I/O thread.
  stop_tree();
  system_.await_all_actors_done();
  return 0;
}

namespace {

// How long ended streams may take to write their last bytes before the I/O threads stop.
constexpr std::chrono::seconds streams_end_within{2};

// What a reload applies to the transport, the endpoint and new streams.
bool is_live_transport_key(std::string_view key) {
  return key.rfind("limits.", 0) == 0 || key == "performance.batchSize" ||
         key == "performance.queueWatermark" || key == "notifier.subscriberQueue" ||
         key == "transport.idleTimeoutMs" || key == "transport.wsIdleTimeoutMs" ||
         key == "transport.flushIntervalUs" || key == "notifier.maxQueueAgeMs";
}

// What a reload applies to the gate and the scope policy (the mode itself needs a restart).
bool is_live_auth_key(std::string_view key) {
  return key == "auth.apiKeys" || key == "auth.scopes" || key == "auth.scopesSupported" ||
         key == "auth.certificateScopes" || key == "auth.methodScopes" ||
         key == "auth.toolScopes" || key == "auth.resourceScopes";
}

}  // namespace

void node::reload(const config_source& reread, admission& admitted, transport::http_server& server,
                  front::endpoint& ep) {
  auto fresh = reread();
  if (auto* why = fresh.failure()) {
    metrics_->config_reload("refused");
    log::warn("config reload refused: " + *why + " (the running configuration stays)");
    return;
  }
  auto& next = fresh.value();
  std::string applied;
  std::string restart;
  bool auth_changed = false;
  bool transport_changed = false;
  for (const auto& key : config::changed_keys(cfg_, next)) {
    if (key == "performance.maxInflight") {
      admitted.set_limit(next.max_inflight);
      cfg_.max_inflight = next.max_inflight;
    } else if (key == "log.level" || key == "log.format" || key == "log.access") {
      cfg_.log_level = next.log_level;
      cfg_.log_format = next.log_format;
      cfg_.log_access = next.log_access;
      apply_log_settings(cfg_);
    } else if (key == "shutdown.drainTimeoutMs") {
      cfg_.shutdown_drain_timeout_ms = next.shutdown_drain_timeout_ms;  // Read when draining.
    } else if (is_live_transport_key(key)) {
      transport_changed = true;  // Below, all at once.
    } else if (key.rfind("transport.tls.", 0) == 0 && !cfg_.tls_cert_file.empty()) {
      continue;  // Below: TLS files are read again on every reload.
    } else if (is_live_auth_key(key) && cfg_.auth_mode == next.auth_mode) {
      auth_changed = true;
      continue;  // Below, all at once.
    } else {
      restart += (restart.empty() ? "" : ",") + key;
      continue;
    }
    applied += (applied.empty() ? "" : ",") + key;
  }
  if (transport_changed) {
    // The endpoint's deadline and 413 text, the transport's reads, writes and connection
    // count, and the limits of streams opened from now on (open ones keep theirs).
    cfg_.request_timeout_ms = next.request_timeout_ms;
    cfg_.max_payload_kb = next.max_payload_kb;
    cfg_.max_header_kb = next.max_header_kb;
    cfg_.header_timeout_ms = next.header_timeout_ms;
    cfg_.max_connections_per_address = next.max_connections_per_address;
    cfg_.connection_idle_timeout_ms = next.connection_idle_timeout_ms;
    cfg_.ws_idle_timeout_ms = next.ws_idle_timeout_ms;
    cfg_.flush_interval_us = next.flush_interval_us;
    cfg_.batch_size = next.batch_size;
    cfg_.queue_watermark = next.queue_watermark;
    cfg_.subscriber_queue = next.subscriber_queue;
    cfg_.max_queue_age_ms = next.max_queue_age_ms;
    ep.set_limits(std::chrono::milliseconds(cfg_.request_timeout_ms),
                  static_cast<size_t>(cfg_.max_payload_kb) * 1024);
    server.apply_limits(server_options_of(cfg_));
    if (outbox_limits_) {
      outbox_limits_->set(outbox_limits_of(cfg_));
    }
  }
  if (auth_changed) {
    // Keys and scopes change together or not at all: a bad key list keeps the old rules.
    auto why = gate_ ? gate_->replace_rules(gate_options_of(next)) : std::string();
    if (!why.empty()) {
      log::warn("auth reload refused: " + why + " (the running keys and scopes stay)");
    } else {
      if (scopes_) {
        scopes_->replace(scope_policy_of(next));
      }
      cfg_.auth_api_keys = next.auth_api_keys;
      cfg_.auth_scopes = next.auth_scopes;
      cfg_.auth_scopes_supported = next.auth_scopes_supported;
      cfg_.auth_certificate_scopes = next.auth_certificate_scopes;
      cfg_.auth_method_scopes = next.auth_method_scopes;
      cfg_.auth_tool_scopes = next.auth_tool_scopes;
      cfg_.auth_resource_scopes = next.auth_resource_scopes;
      applied += (applied.empty() ? "" : ",") + std::string("auth");
    }
  }
  // Certificates are renewed in place (same paths, new contents), so TLS is read again on
  // every SIGHUP, not only when its keys changed; new connections get it, open ones keep theirs.
  std::string tls = "off";
  if (!cfg_.tls_cert_file.empty()) {
    if (auto why = server.reload_tls(server_options_of(next).tls); why.empty()) {
      cfg_.tls_cert_file = next.tls_cert_file;
      cfg_.tls_key_file = next.tls_key_file;
      cfg_.tls_client_ca_file = next.tls_client_ca_file;
      tls = "reloaded";
    } else {
      tls = "kept";
      log::warn("tls reload refused: " + why + " (the running certificates stay)");
    }
  }
  published_limits_->set(node_limits_of(cfg_));
  metrics_->config_reload("applied");
  log::info("config reloaded applied=[" + applied + "] needs_restart=[" + restart + "] tls=" + tls);
}

void node::drain(admission& admitted, int sig, const sigset_t& stop_signals,
                 transport::http_server& server) {
  // New MCP requests get 503 from now on (and /readyz says draining); what was admitted may
  // finish, for up to shutdown.drainTimeoutMs. A second signal stops the wait.
  admitted.start_draining();
  auto limit = std::chrono::milliseconds(cfg_.shutdown_drain_timeout_ms);
  log::info(std::string("draining signal=") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
            " inflight=" + std::to_string(admitted.unanswered()) +
            " drain_timeout_ms=" + std::to_string(limit.count()));
  auto again = [&stop_signals] {  // A second stop signal, waiting (blocked) to be taken.
    sigset_t pending;
    sigpending(&pending);
    for (int s : {SIGTERM, SIGINT}) {
      if (sigismember(&stop_signals, s) == 1 && sigismember(&pending, s) == 1) {
        return true;
      }
    }
    return false;
  };
  // Polls `busy` (a few times per call) until it is false, `at_most` passed, or a second stop
  // signal came; returns how long it waited.
  auto wait_while = [&again](auto busy, std::chrono::milliseconds at_most) {
    auto start = std::chrono::steady_clock::now();
    while (busy() && std::chrono::steady_clock::now() - start < at_most && !again()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  };
  // Done when every admitted call has answered and every answer is written to its socket.
  auto waited =
      wait_while([&] { return admitted.unanswered() > 0 || server.unwritten() > 0; }, limit);
  if (admitted.unanswered() > 0) {
    log::warn("stopping with " + std::to_string(admitted.unanswered()) +
              " calls unfinished after " + std::to_string(waited.count()) + " ms of draining");
  } else {
    log::info("drained in " + std::to_string(waited.count()) + " ms; stopping");
  }
  // Streams (GET streams, WebSockets) would otherwise be cut when the I/O threads stop: each
  // ends after what it has queued, with a hint to reconnect (where a balancer sends it on).
  auto asked = server.end_streams(std::chrono::milliseconds(cfg_.sse_retry_ms));
  wait_while([&] { return server.streams_open() > 0; }, streams_end_within);
  log::info("ended streams=" + std::to_string(asked) +
            " with a reconnect hint (retry_ms=" + std::to_string(cfg_.sse_retry_ms) +
            "); still_open=" + std::to_string(server.streams_open()));
}

void node::stop_tree() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  if (membership_) {
    membership_->stop();  // Peers see this node go at once, not after deadAfterMs.
  }
  if (supervisor_) {
    caf::anon_send_exit(supervisor_, caf::exit_reason::user_shutdown);
  }
  if (gate_) {
    gate_->stop();
  }
  for (const auto& p : pools_) {
    p->stop();
  }
  if (jobs_) {
    jobs_->stop();
  }
  notes_->stop();
  for (const auto& a : tools_->current()->actors()) {
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
  for (const auto& table : {sessions_, bound_sessions_}) {
    table->stop_all();
  }
}

}  // namespace mcprt::actors::node
