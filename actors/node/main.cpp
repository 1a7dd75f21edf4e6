// The command line: help, version, config checks, or a node serving HTTP or stdio. What a
// node is made of and how it stops is actors/node/node.cpp.
#include <malloc.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <variant>

#include "actors/node/node.hpp"
#include "actors/node/options.hpp"
#include "actors/node/plugin_library.hpp"
#include "actors/node/preflight.hpp"
#include "config/cli.hpp"
#include "config/config.hpp"
#include "plugins/builtin.hpp"
#include "runtime/observe/log.hpp"

namespace {

using namespace mcprt;

// Every subscriber holds a socket: take the whole descriptor allowance the system grants.
void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

int serve(const config::config& cfg, const std::vector<plugin>& plugins, bool stdio,
          const config::load_request& load) {
  // Block the signals before any thread starts, so every thread inherits the mask and the
  // HTTP node waits for them with sigwait: SIGTERM/SIGINT drain and stop, SIGHUP reloads.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  if (!stdio) {
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  }
  std::signal(SIGPIPE, SIG_IGN);
  raise_fd_limit();

  auto started = actors::node::node::start(cfg, plugins, stdio);
  if (auto* why = started.failure()) {
    std::cerr << "mcprt: " << *why << "\n";
    return 1;
  }
  auto& n = *started.value();
  return stdio ? n.serve_stdio() : n.serve_http(signals, [&load] { return config::load(load); });
}

// Plugins in shared objects declare config sections, so `plugins.dirs` is read first from the
// core keys alone; then the modules there join the built-in plugins.
std::optional<std::string> add_plugin_modules(const config::load_request& load,
                                              std::vector<plugin>& plugins) {
  auto core_load = load;
  core_load.core_only = true;
  auto core = config::load(core_load);
  if (auto* err = core.failure()) {
    return "config: " + *err;
  }
  if (core.value().plugins_dirs.empty()) {
    return std::nullopt;
  }
  auto modules = actors::node::load_plugin_modules(core.value().plugins_dirs, plugins);
  if (auto* err = modules.failure()) {
    return *err;
  }
  for (auto& p : modules.value()) {
    plugins.push_back(std::move(p));
  }
  return std::nullopt;
}

// The command line: help, version, config checks, or a server.
int run(int argc, char** argv) {
  auto parsed = config::parse_cli(argc, argv);
  if (auto* err = parsed.failure()) {
    std::cerr << "mcprt: " << *err << "\n";
    return 2;
  }
  auto& cli = parsed.value();
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
  if (auto err = add_plugin_modules(cli.load, plugins)) {
    std::cerr << "mcprt: " << *err << "\n";
    return 2;
  }
  for (const auto& p : plugins) {
    cli.load.known_plugins.push_back(p.name);
    cli.load.plugin_settings.insert(cli.load.plugin_settings.end(), p.settings.begin(),
                                    p.settings.end());
  }
  auto loaded = config::load(cli.load);
  if (auto* err = loaded.failure()) {
    std::cerr << "mcprt: config: " << *err << "\n";
    return 2;
  }
  auto& cfg = loaded.value();
  if (cli.what == action::check_config) {
    // Beyond syntax and ranges: would this configuration start a server here?
    auto problems = actors::node::preflight(cfg);
    for (const auto& p : problems) {
      std::cerr << "mcprt: check: " << p << "\n";
    }
    if (!problems.empty()) {
      return 2;
    }
    std::cout << "config ok\n";
    return 0;
  }
  if (cli.what == action::print_config) {
    std::cout << config::describe(cfg, cli.load.plugin_settings);
    return 0;
  }
  actors::node::apply_log_settings(cfg);
  return serve(cfg, plugins, cli.what == action::stdio, cli.load);
}

// Large answers (a results chunk of up to 8 MiB, its quoted copy, the response) are allocated
// and freed on every call. glibc would map each with mmap and unmap it on free, so every call
// page-faults its buffers in again (perf: clear_page and the fault handler were 18% of the
// server's samples on 1 MiB chunks). Keeping them in the heap and not trimming it below 64 MiB
// cut the server's CPU per 1 MiB chunk from 3.4 to 1.2-1.4 ms (docs/benchmarks.md). An
// operator's own GLIBC_TUNABLES win.
void keep_large_buffers_in_heap() {
  if (std::getenv("GLIBC_TUNABLES") != nullptr) {
    return;
  }
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
}

}  // namespace

int main(int argc, char** argv) {
  keep_large_buffers_in_heap();
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
