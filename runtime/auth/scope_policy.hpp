// Which scopes a request needs: those every request needs, those of its method, of the tool
// it calls, and of every configured URI prefix the resource it reads starts with. Pure data
// from config; the front door refuses with all of them in one challenge, and list results
// show only what the caller may use.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/auth/principal.hpp"

namespace mcprt {
inline namespace auth {

struct scope_policy {
  std::vector<std::string> every;  ///< auth.scopes
  // Transparent comparators: looked up by string_view on every request, without a copy.
  std::map<std::string, std::vector<std::string>, std::less<>> methods;       ///< auth.methodScopes
  std::map<std::string, std::vector<std::string>, std::less<>> tools;         ///< auth.toolScopes
  std::map<std::string, std::vector<std::string>, std::less<>> uri_prefixes;  ///< resourceScopes

  /// Every scope `method` needs on `target` (a tool's name for tools/call, a URI for
  /// resources/read and resources/(un)subscribe; ignored otherwise), each once.
  std::vector<std::string> needed(std::string_view method, std::string_view target) const;

  /// True when `caller` holds (or covers) every scope needed; always for the anonymous caller
  /// of a server without authentication. Allocates nothing (it runs on every request).
  bool allows(const principal& caller, std::string_view method, std::string_view target) const;
};

/// The policy requests are checked against now: replaced whole on SIGHUP, read (one copy of a
/// shared pointer under a lock) by every authenticated request.
class scope_policy_source {
 public:
  explicit scope_policy_source(scope_policy first)
      : current_(std::make_shared<const scope_policy>(std::move(first))) {}
  std::shared_ptr<const scope_policy> current() const {
    std::lock_guard<std::mutex> g(mutex_);
    return current_;
  }
  void replace(scope_policy next) {
    auto fresh = std::make_shared<const scope_policy>(std::move(next));
    std::lock_guard<std::mutex> g(mutex_);
    current_ = std::move(fresh);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const scope_policy> current_;
};

/// What a request's scopes are checked against: params.name of tools/call, params.uri of the
/// resource methods; empty for the rest.
bool is_tool_method(std::string_view method);
bool is_resource_method(std::string_view method);

}  // namespace auth
}  // namespace mcprt
