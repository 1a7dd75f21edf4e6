// Small pieces every load scenario needs: the parts of an http:// URL, and enough file
// descriptors for thousands of connections.
#pragma once

#include <string>

namespace mcprt::bench {

/// HOST, PORT and PATH of `http://HOST:PORT/PATH` (or ws://).
struct target {
  std::string host, port, path;
};

target parse_url(const std::string& url);

/// Raises the soft RLIMIT_NOFILE to the hard limit.
void raise_fd_limit();

}  // namespace mcprt::bench
