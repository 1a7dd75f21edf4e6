// Lookups in a plugin's settings.
#include "runtime/settings.hpp"

namespace mcprt {

int64_t settings_view::integer(const std::string& key, int64_t fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    return fallback;
  }
  if (auto* v = std::get_if<int64_t>(&it->second)) {
    return *v;
  }
  return fallback;
}

bool settings_view::boolean(const std::string& key, bool fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    return fallback;
  }
  if (auto* v = std::get_if<bool>(&it->second)) {
    return *v;
  }
  return fallback;
}

std::string settings_view::string(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    return fallback;
  }
  if (auto* v = std::get_if<std::string>(&it->second)) {
    return *v;
  }
  return fallback;
}

}  // namespace mcprt
