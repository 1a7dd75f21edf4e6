// URL parts and the descriptor limit.
#include "benches/load/net_util.hpp"

#include <sys/resource.h>

namespace mcprt::bench {

target parse_url(const std::string& url) {
  auto scheme_end = url.find("://");
  auto rest = scheme_end == std::string::npos ? url : url.substr(scheme_end + 3);
  auto slash = rest.find('/');
  auto hostport = rest.substr(0, slash);
  auto colon = hostport.rfind(':');
  return {hostport.substr(0, colon), colon == std::string::npos ? "80" : hostport.substr(colon + 1),
          slash == std::string::npos ? "/" : rest.substr(slash)};
}

void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace mcprt::bench
