// The composition root: config, actor system, plugins, endpoint and transport, in that
// order, and shutdown in reverse. Nothing else in mcprt wires parts together.
#include <sys/resource.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <variant>

#include "actors/adapters/pool.hpp"
#include "actors/catalog/catalog.hpp"
#include "actors/catalog/live_catalog.hpp"
#include "actors/catalog/plugin_host.hpp"
#include "actors/dispatch/capabilities_doc.hpp"
#include "actors/front/endpoint.hpp"
#include "actors/front/message_peer.hpp"
#include "actors/jobs/jobs.hpp"
#include "config/cli.hpp"
#include "config/config.hpp"
#include "plugins/builtin.hpp"
#include "runtime/observe/log.hpp"
#include "transport/http_server.hpp"
#include "transport/stdio.hpp"

namespace {

using namespace mcprt;

// A plugin's own keys, without its section prefix.
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

// Sends exit to every tool actor and session when the server scope ends.
struct shutdown_guard {
  std::shared_ptr<actors::catalog::catalog_source> tools;
  std::shared_ptr<actors::session::session_table> sessions;
  std::shared_ptr<actors::notifier::notifier> notifier;
  std::shared_ptr<actors::session::session_table> bound_sessions;  // WebSocket, HTTP+SSE, stdio.
  std::shared_ptr<actors::jobs::job_service> jobs;
  std::vector<std::shared_ptr<actors::adapters::adapter_pool>> pools;
  ~shutdown_guard() { stop_actors(); }
  void stop_actors() const {
    for (const auto& p : pools) {
      p->stop();
    }
    if (jobs) {
      jobs->stop();
    }
    notifier->stop();
    for (const auto& a : tools->current()->actors()) {
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    }
    for (const auto& table : {sessions, bound_sessions}) {
      table->for_each(
          [](const session_actor& s) { caf::anon_send_exit(s, caf::exit_reason::user_shutdown); });
    }
  }
};

// Every subscriber holds a socket: take the whole descriptor allowance the system grants.
void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

// The durable job store and the job service over it; a one-line reason when the file cannot
// be used (unwritable directory, corrupt or locked file).
std::variant<std::shared_ptr<actors::jobs::job_service>, std::string> open_jobs(
    const config::config& cfg, caf::actor_system& system,
    std::shared_ptr<actors::notifier::notifier> notes, bool stdio) {
  // A stdio server lives and dies with its one client, and pools run several side by side:
  // unless told otherwise it keeps its jobs in memory instead of locking the shared default file.
  auto source = cfg.sources.find("jobs.storePath");
  bool defaulted = source == cfg.sources.end() || source->second == "default";
  const std::string path = stdio && defaulted ? ":memory:" : cfg.jobs_store_path;
  if (path != ":memory:") {
    std::error_code ec;
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty() && !std::filesystem::create_directories(dir, ec) && ec) {
      return "cannot create the directory of jobs.storePath '" + path + "': " + ec.message();
    }
  }
  auto store = actors::jobs::job_store::open(path, cfg.jobs_max_store_mb * 1024 * 1024);
  if (auto* why = std::get_if<std::string>(&store)) {
    return *why;
  }
  actors::jobs::job_options o;
  o.timeout = std::chrono::milliseconds(cfg.jobs_default_timeout_ms);
  o.result_ttl_ms = cfg.jobs_result_ttl_ms;
  o.poll_interval_ms = cfg.jobs_poll_interval_ms;
  auto jobs = std::make_shared<actors::jobs::job_service>(
      system, std::move(std::get<std::unique_ptr<actors::jobs::job_store>>(store)), o,
      std::move(notes));
  jobs->sweep_periodically();
  return jobs;
}

// Starts one pool per configured adapter; their tools join the live catalog once a worker
// lists them, so a slow or broken adapter never holds up the server.
std::vector<std::shared_ptr<actors::adapters::adapter_pool>> start_adapters(
    const config::config& cfg, caf::actor_system& system,
    const std::shared_ptr<actors::catalog::node_catalog>& live, mcprt::metrics& metrics) {
  std::vector<std::shared_ptr<actors::adapters::adapter_pool>> pools;
  for (const auto& a : cfg.adapters) {
    actors::adapters::adapter_options o;
    o.name = a.name;
    o.command = {a.command, a.args, a.env, a.cwd};
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
    auto pool = std::make_shared<actors::adapters::adapter_pool>(std::move(o), system, live,
                                                                 metrics.registry());
    pool->start();
    log::info("adapter started adapter=" + a.name + " command=" + a.command);
    pools.push_back(std::move(pool));
  }
  return pools;
}

actors::session::stream_options stream_options_of(const config::config& cfg) {
  actors::session::stream_options o;
  o.limits.capacity = static_cast<size_t>(cfg.subscriber_queue);
  o.limits.watermark = cfg.queue_watermark;
  o.limits.batch = static_cast<size_t>(cfg.batch_size);
  o.replay_events = static_cast<size_t>(cfg.replay_events);
  o.keep_alive = std::chrono::milliseconds(cfg.keep_alive_ms);
  o.retry = std::chrono::milliseconds(cfg.sse_retry_ms);
  o.max_subscriptions = static_cast<size_t>(cfg.max_subscriptions);
  return o;
}

int serve(const config::config& cfg, const std::vector<plugin>& plugins, bool stdio) {
  // Block the stop signals in every thread; main waits for them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (!stdio) {
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  }
  std::signal(SIGPIPE, SIG_IGN);
  raise_fd_limit();

  // Declared before the actor system so late completions find them alive.
  auto metrics = std::make_shared<mcprt::metrics>();
  auto tools = std::make_shared<actors::catalog::catalog_source>();
  auto sessions = std::make_shared<actors::session::session_table>();

  caf::actor_system_config caf_cfg;
  caf_cfg.set("scheduler.max-threads", static_cast<size_t>(cfg.scheduler_threads));
  caf_cfg.set("scheduler.policy",
              cfg.scheduler_policy == "stealing" ? caf::atom("stealing") : caf::atom("sharing"));
  caf::actor_system system{caf_cfg};
  // On every way out of here, stop the actors so ~actor_system, which waits for them, returns.
  auto notes = std::make_shared<actors::notifier::notifier>(
      system, static_cast<size_t>(cfg.notifier_shards), metrics);
  auto bound_sessions = std::make_shared<actors::session::session_table>();
  shutdown_guard guard{tools, sessions, notes, bound_sessions, nullptr, {}};
  auto opened = open_jobs(cfg, system, notes, stdio);
  if (auto* why = std::get_if<std::string>(&opened)) {
    std::cerr << "mcprt: " << *why << "\n";
    return 1;
  }
  auto jobs = std::get<std::shared_ptr<actors::jobs::job_service>>(opened);
  guard.jobs = jobs;
  auto publisher = actors::catalog::make_publisher(notes);
  auto live = std::make_shared<actors::catalog::node_catalog>(system, tools, notes);

  // Start the enabled plugins in order; their tools form the first catalog.
  actors::catalog::catalog_builder builder;
  for (const auto& name : cfg.plugins_enabled) {
    for (const auto& p : plugins) {
      if (p.name != name) {
        continue;
      }
      actors::catalog::plugin_host ctx(system, section_of(cfg, p.name), builder, publisher, live);
      if (auto err = p.start(ctx)) {
        std::cerr << "mcprt: plugin '" << p.name << "' failed to start: " << system.render(err)
                  << "\n";
        // A half-started plugin may own actors nobody can name: do not wait for them.
        tools->publish(builder.build());
        system.await_actors_before_shutdown(false);
        return 1;
      }
      log::info("plugin started plugin=" + p.name + " version=" + p.version);
    }
  }
  tools->publish(builder.build());
  guard.pools = start_adapters(cfg, system, live, *metrics);

  auto profile = std::make_shared<actors::dispatch::server_profile>();
  profile->instructions = cfg.instructions;
  profile->list_ttl_ms = cfg.list_ttl_ms;
  profile->page_size = static_cast<size_t>(cfg.tools_page_size);

  if (stdio) {
    // One client on the process's pipes; ends when stdin does.
    // Shared: late answers from actor threads may still write after stdin has closed.
    auto pipe = std::make_shared<transport::stdio_transport>(
        static_cast<size_t>(cfg.max_payload_kb) * 1024);
    auto box = std::make_shared<outbox>(stream_options_of(cfg).limits, stream_format::raw, metrics);
    pipe->attach(box);
    actors::front::message_peer peer({&system, tools, profile, metrics, box,
                                      std::chrono::milliseconds(cfg.client_request_timeout_ms),
                                      notes, stream_options_of(cfg), bound_sessions, jobs});
    log::info("serving one client on stdio");
    pipe->run([&peer](const std::string& line) { peer.on_message(line); },
              [&peer] { peer.on_oversized(); });
    // Answer what was asked before stopping, within the request timeout.
    if (int left = peer.drain(std::chrono::milliseconds(cfg.request_timeout_ms)); left > 0) {
      log::warn("stdin closed with " + std::to_string(left) + " requests unanswered");
    }
    log::info("stdin closed; stopping");
    return 0;
  }

  actors::front::endpoint_options eopts;
  eopts.allowed_hosts = cfg.allowed_hosts;
  eopts.allowed_origins = cfg.allowed_origins;
  eopts.request_timeout = std::chrono::milliseconds(cfg.request_timeout_ms);
  eopts.session_idle_timeout = std::chrono::milliseconds(cfg.session_idle_timeout_ms);
  eopts.client_request_timeout = std::chrono::milliseconds(cfg.client_request_timeout_ms);
  eopts.max_payload_bytes = static_cast<size_t>(cfg.max_payload_kb) * 1024;
  eopts.streams = stream_options_of(cfg);
  actors::front::endpoint_parts parts{
      &system, tools, sessions,       metrics, std::make_shared<admission>(cfg.max_inflight),
      profile, notes, bound_sessions, jobs,    {}};
  actors::dispatch::node_limits limits{cfg.max_payload_kb, cfg.max_inflight, cfg.request_timeout_ms,
                                       cfg.jobs_default_timeout_ms, cfg.jobs_result_ttl_ms};
  parts.capabilities = [limits, pools = guard.pools] {
    return actors::dispatch::capabilities_document(limits, pools);
  };
  auto ep = std::make_shared<actors::front::endpoint>(std::move(eopts), std::move(parts));

  transport::server_options sopts;
  sopts.host = cfg.host;
  sopts.port = static_cast<uint16_t>(cfg.port);
  sopts.io_threads = static_cast<int>(cfg.io_threads);
  sopts.max_payload_bytes = static_cast<size_t>(cfg.max_payload_kb) * 1024;
  sopts.idle_timeout = std::chrono::milliseconds(cfg.connection_idle_timeout_ms);
  sopts.header_timeout = std::chrono::milliseconds(cfg.header_timeout_ms);
  sopts.max_header_bytes = static_cast<size_t>(cfg.max_header_kb) * 1024;
  sopts.max_connections_per_address = static_cast<size_t>(cfg.max_connections_per_address);
  sopts.batch_size = static_cast<size_t>(cfg.batch_size);
  sopts.stream_queue = static_cast<size_t>(cfg.subscriber_queue);
  sopts.queue_watermark = cfg.queue_watermark;
  sopts.send_buffer_bytes = static_cast<int>(cfg.send_buffer_bytes);
  sopts.ws_idle_timeout = std::chrono::milliseconds(cfg.ws_idle_timeout_ms);
  sopts.ws_deflate = cfg.ws_deflate;
  transport::http_server server(sopts, ep, metrics);
  uint16_t port = 0;
  if (auto ec = server.listen(port)) {
    std::cerr << "mcprt: cannot listen on " << cfg.host << ":" << cfg.port << ": " << ec.message()
              << "\n";
    return 1;
  }
  server.start();
  auto host = cfg.host.find(':') != std::string::npos ? "[" + cfg.host + "]" : cfg.host;
  // One write: adapter threads are already logging, and scripts wait for this exact line.
  auto listening = "mcprt listening on http://" + host + ":" + std::to_string(port) + "/mcp\n";
  std::fwrite(listening.data(), 1, listening.size(), stderr);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log::info(std::string("stopping signal=") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
  server.stop();
  // Stop the actors and wait for them while the server's io_context still exists: a session
  // or tool may hold a pending answer whose exchange refers to a connection's strand.
  guard.stop_actors();
  system.await_all_actors_done();
  return 0;
}

// The command line: help, version, config checks, or a server.
int run(int argc, char** argv) {
  auto parsed = config::parse_cli(argc, argv);
  if (auto* err = std::get_if<std::string>(&parsed)) {
    std::cerr << "mcprt: " << *err << "\n";
    return 2;
  }
  auto& cli = std::get<config::cli_options>(parsed);
  using action = config::cli_options::action;
  if (cli.what == action::help) {
    std::cout << config::usage();
    return 0;
  }
  if (cli.what == action::version) {
    std::cout << "mcprt " << server_version << " (MCP 2026-07-28, 2025-11-25, 2025-06-18, "
              << "2025-03-26)\n";
    return 0;
  }
  auto plugins = plugins::builtin();
  for (const auto& p : plugins) {
    cli.load.known_plugins.push_back(p.name);
    cli.load.plugin_settings.insert(cli.load.plugin_settings.end(), p.settings.begin(),
                                    p.settings.end());
  }
  auto loaded = config::load(cli.load);
  if (auto* err = std::get_if<std::string>(&loaded)) {
    std::cerr << "mcprt: config: " << *err << "\n";
    return 2;
  }
  auto& cfg = std::get<config::config>(loaded);
  if (cli.what == action::check_config) {
    std::cout << "config ok\n";
    return 0;
  }
  if (cli.what == action::print_config) {
    std::cout << config::describe(cfg, cli.load.plugin_settings);
    return 0;
  }
  log_level level = log_level::info;
  parse_log_level(cfg.log_level, level);
  log::set_level(level);
  return serve(cfg, plugins, cli.what == action::stdio);
}

}  // namespace

int main(int argc, char** argv) {
  // Errors are values inside; what still throws (out of memory, a library) ends the process
  // with one line instead of std::terminate.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "mcprt: fatal: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "mcprt: fatal: unknown exception\n";
  }
  return 1;
}
