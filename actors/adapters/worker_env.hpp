// The environment a worker starts with: not the server's (which may hold secrets: tokens,
// database passwords, cloud keys) but a minimal one, as the TypeScript SDK's stdio client gives
// its servers — a few variables a process needs to run, what the adapter lists in
// `inheritEnv`, and what it sets in `env`. Pure: the server's environment is an argument.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mcprt::actors::adapters {

/// Passed through from the server's environment to every worker: what a process needs to find
/// programs, its home and its locale, and the sanitizers' settings of test builds.
inline constexpr std::string_view default_inherited_env[] = {
    "PATH", "HOME", "LANG",   "LC_ALL",       "LOGNAME",       "USER",         "SHELL",
    "TERM", "TZ",   "TMPDIR", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"};

/// `NAME=value` entries for a worker: from `server_env` (entries `NAME=value`) the defaults
/// and the names in `inherit`, then `set` (which wins over both).
std::vector<std::string> worker_environment(const std::vector<std::string_view>& server_env,
                                            const std::vector<std::string>& inherit,
                                            const std::map<std::string, std::string>& set);

}  // namespace mcprt::actors::adapters
