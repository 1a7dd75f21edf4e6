// The `adapters` array of the config file: stdio MCP servers run as warm worker pools.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mcprt::config {

/// One adapter, as the operator declared it (docs/adapters.md).
struct adapter_config {
  std::string name;
  std::string command;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
  std::vector<std::string> inherit_env;  ///< inheritEnv: server variables passed through.
  std::string cwd;
  int64_t min_workers = 1;
  int64_t max_workers = 1;
  int64_t max_inflight_per_worker = 1;
  int64_t call_timeout_ms = 300000;
  int64_t start_timeout_ms = 15000;
  std::string affinity = "none";  ///< none | session
  std::string tool_prefix;
  std::string task_support = "optional";  ///< forbidden | optional | required
  bool operator==(const adapter_config&) const = default;
};

/// Reads and checks the array; the first problem, naming the entry and key, or nullopt.
std::optional<std::string> parse_adapters(const rapidjson::Value& array,
                                          std::vector<adapter_config>& out);

}  // namespace mcprt::config
