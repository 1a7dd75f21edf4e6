// What --check-config checks beyond the file's syntax and ranges: that the configuration can
// actually start a server here. The listen host resolves, adapter commands exist and may be
// run, the job store's directory is writable, the TLS files load and the key fits.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace mcprt::actors::node {

/// Every problem found, one line each naming the key; empty when the server could start.
std::vector<std::string> preflight(const config::config& cfg);

}  // namespace mcprt::actors::node
