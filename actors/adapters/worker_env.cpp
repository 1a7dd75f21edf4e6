// A worker's minimal environment.
#include "actors/adapters/worker_env.hpp"

#include <algorithm>

namespace mcprt::actors::adapters {

std::vector<std::string> worker_environment(const std::vector<std::string_view>& server_env,
                                            const std::vector<std::string>& inherit,
                                            const std::map<std::string, std::string>& set) {
  auto passed = [&](std::string_view name) {
    return std::find(std::begin(default_inherited_env), std::end(default_inherited_env), name) !=
               std::end(default_inherited_env) ||
           std::find(inherit.begin(), inherit.end(), name) != inherit.end();
  };
  std::vector<std::string> out;
  for (auto entry : server_env) {
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    auto name = entry.substr(0, eq);
    if (passed(name) && set.count(std::string(name)) == 0) {
      out.emplace_back(entry);
    }
  }
  for (const auto& [k, v] : set) {
    out.push_back(k + "=" + v);
  }
  return out;
}

}  // namespace mcprt::actors::adapters
