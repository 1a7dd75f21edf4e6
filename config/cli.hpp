// Command-line parsing for the mcprt binary. Produces what to do and a load_request.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "config/config.hpp"
#include "runtime/codec/expected.hpp"

namespace mcprt::config {

/// What the command line asks for.
struct cli_options {
  enum class action {
    serve,
    stdio,
    check_config,
    print_config,
    version,
    help
  } what = action::serve;
  load_request load;
};

/// Parses argv; on a usage error returns the one-line message.
expected<cli_options, std::string> parse_cli(int argc, char** argv);

/// The --help text.
std::string usage();

}  // namespace mcprt::config
