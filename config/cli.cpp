// argv -> cli_options. Flags map onto config keys so every knob has one source of truth.
#include "config/cli.hpp"

#include <sstream>

namespace mcprt::config {

expected<cli_options, std::string> parse_cli(int argc, char** argv) {
  cli_options out;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const std::string& name) -> std::optional<std::string> {
      if (i + 1 >= argc) {
        return std::nullopt;
      }
      (void)name;
      return std::string(argv[++i]);
    };
    if (arg == "--help" || arg == "-h") {
      out.what = cli_options::action::help;
    } else if (arg == "--version") {
      out.what = cli_options::action::version;
    } else if (arg == "--stdio") {
      out.what = cli_options::action::stdio;
    } else if (arg == "--print-config") {
      out.what = cli_options::action::print_config;
    } else if (arg == "--check-config") {
      out.what = cli_options::action::check_config;
      if (i + 1 < argc && argv[i + 1][0] != '-') {
        out.load.file = argv[++i];
      }
    } else if (arg == "--config") {
      auto v = value(arg);
      if (!v) {
        return std::string("--config needs a file");
      }
      out.load.file = *v;
    } else if (arg == "--set") {
      auto v = value(arg);
      auto eq = v ? v->find('=') : std::string::npos;
      if (!v || eq == std::string::npos || eq == 0) {
        return std::string("--set needs key=value");
      }
      out.load.sets.emplace_back(v->substr(0, eq), v->substr(eq + 1));
    } else if (arg == "--listen") {
      auto v = value(arg);
      auto colon = v ? v->rfind(':') : std::string::npos;
      if (!v || colon == std::string::npos) {
        return std::string("--listen needs HOST:PORT");
      }
      auto host = v->substr(0, colon);
      if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
      }
      out.load.sets.emplace_back("transport.host", host);
      out.load.sets.emplace_back("transport.port", v->substr(colon + 1));
    } else {
      return "unknown option '" + arg + "' (see --help)";
    }
  }
  return out;
}

std::string usage() {
  std::ostringstream os;
  os << "usage: mcprt [options]\n\n"
        "Serves MCP (2026-07-28 stateless and 2025-11-25/06-18/03-26 sessions) over\n"
        "Streamable HTTP at http://HOST:PORT/mcp, with /metrics and /healthz beside it.\n\n"
        "options:\n"
        "  --config FILE          read settings from a JSON file\n"
        "  --set KEY=VALUE        override one setting (repeatable), e.g.\n"
        "                         --set plugins.enabled=demo,conformance\n"
        "  --listen HOST:PORT     same as --set transport.host=HOST --set transport.port=PORT\n"
        "                         (port 0 picks a free port)\n"
        "  --stdio                serve one client on stdin/stdout (newline-delimited JSON-RPC;\n"
        "                         logs go to stderr) instead of HTTP\n"
        "  --check-config [FILE]  validate the configuration and exit (0 ok, 2 bad)\n"
        "  --print-config         print every effective setting and where it came from\n"
        "  --version              print the version\n"
        "  --help                 this text\n\n"
        "Settings are layered: defaults < config file < environment < --set.\n"
        "Each key KEY has the environment variable MCPRT_<KEY in upper snake case>;\n"
        "docs/configuration.md lists them all.\n";
  return os.str();
}

}  // namespace mcprt::config
