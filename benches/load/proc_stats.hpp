// CPU seconds and resident memory of another process, read from /proc (Linux only).
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

namespace mcprt::bench {

/// One reading of a process.
struct proc_sample {
  double cpu_seconds = 0;  ///< user + system time so far
  long rss_kb = 0;         ///< VmRSS
  /// RssAnon: private memory, without the code and files a process pages in once (the first
  /// session's TLS random numbers page in about 2 MB of libcrypto, which is not per session).
  long rss_anon_kb = 0;
};

/// Reads /proc/<pid>/stat and /proc/<pid>/status; nullopt when the process is gone.
std::optional<proc_sample> read_proc(pid_t pid);
/// The sum over `pids` (a cluster's nodes); nullopt when none is given or one is gone.
std::optional<proc_sample> read_procs(const std::vector<pid_t>& pids);

}  // namespace mcprt::bench
