#include "runtime/auth/scopes.hpp"

#include <algorithm>

namespace mcprt {
inline namespace auth {

bool scope_covers(std::string_view granted, std::string_view needed) {
  if (granted.empty()) {
    return false;
  }
  if (granted == needed) {
    return true;
  }
  return needed.size() > granted.size() && needed.substr(0, granted.size()) == granted &&
         needed[granted.size()] == ':';
}

std::vector<std::string> missing_scopes(const std::vector<std::string>& granted,
                                        const std::vector<std::string>& needed) {
  std::vector<std::string> out;
  for (const auto& n : needed) {
    bool covered = std::any_of(granted.begin(), granted.end(),
                               [&](const std::string& g) { return scope_covers(g, n); });
    if (!covered && std::find(out.begin(), out.end(), n) == out.end()) {
      out.push_back(n);
    }
  }
  return out;
}

std::vector<std::string> split_scopes(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    if (end > start) {
      out.emplace_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  std::vector<std::string_view> seen;
  for (const auto& s : scopes) {
    if (s.empty() || std::find(seen.begin(), seen.end(), s) != seen.end()) {
      continue;
    }
    seen.push_back(s);
    out += (out.empty() ? "" : " ") + s;
  }
  return out;
}

}  // namespace auth
}  // namespace mcprt
