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

// Calls `each` with every list of scopes `method` on `target` needs (with repeats).
template <class F>
void for_each_need(const scope_policy& p, std::string_view method, std::string_view target,
                   F each) {
  each(p.every);
  if (auto it = p.methods.find(method); it != p.methods.end()) {
    each(it->second);
  }
  if (is_tool_method(method)) {
    if (auto it = p.tools.find(target); it != p.tools.end()) {
      each(it->second);
    }
  } else if (is_resource_method(method)) {
    for (const auto& [prefix, scopes] : p.uri_prefixes) {
      if (target.substr(0, prefix.size()) == prefix) {
        each(scopes);
      }
    }
  }
}

std::vector<std::string> scope_policy::needed(std::string_view method,
                                              std::string_view target) const {
  std::vector<std::string> out;
  for_each_need(*this, method, target,
                [&out](const std::vector<std::string>& scopes) { add_all(out, scopes); });
  return out;
}

bool scope_policy::allows(const principal& caller, std::string_view method,
                          std::string_view target) const {
  if (caller.anonymous()) {
    return true;
  }
  bool all = true;
  for_each_need(*this, method, target, [&](const std::vector<std::string>& scopes) {
    for (const auto& s : scopes) {
      all = all && std::any_of(caller.scopes.begin(), caller.scopes.end(),
                               [&s](const std::string& g) { return scope_covers(g, s); });
    }
  });
  return all;
}

}  // namespace auth
}  // namespace mcprt
