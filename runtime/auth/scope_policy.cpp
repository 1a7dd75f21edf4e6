#include "runtime/auth/scope_policy.hpp"

#include <algorithm>

#include "runtime/auth/scopes.hpp"

namespace mcprt {
inline namespace auth {

namespace {

void add_all(std::vector<std::string>& out, const std::vector<std::string>& more) {
  for (const auto& s : more) {
    if (std::find(out.begin(), out.end(), s) == out.end()) {
      out.push_back(s);
    }
  }
}

}  // namespace

bool is_tool_method(std::string_view method) {
  return method == "tools/call";
}

bool is_resource_method(std::string_view method) {
  return method == "resources/read" || method == "resources/subscribe" ||
         method == "resources/unsubscribe";
}

std::vector<std::string> scope_policy::needed(std::string_view method,
                                              std::string_view target) const {
  std::vector<std::string> out = every;
  if (auto it = methods.find(std::string(method)); it != methods.end()) {
    add_all(out, it->second);
  }
  if (is_tool_method(method)) {
    if (auto it = tools.find(std::string(target)); it != tools.end()) {
      add_all(out, it->second);
    }
  } else if (is_resource_method(method)) {
    for (const auto& [prefix, scopes] : uri_prefixes) {
      if (target.substr(0, prefix.size()) == prefix) {
        add_all(out, scopes);
      }
    }
  }
  return out;
}

bool scope_policy::allows(const principal& caller, std::string_view method,
                          std::string_view target) const {
  if (caller.anonymous()) {
    return true;
  }
  return missing_scopes(caller.scopes, needed(method, target)).empty();
}

}  // namespace auth
}  // namespace mcprt
