// Lookups in a plugin's settings.
#include "runtime/api/settings.hpp"

namespace mcprt {
inline namespace api {

namespace {

// The value at `key` when it is set and holds a T, else `fallback`.
template <class T>
T value_or(const std::map<std::string, setting_value>& values, const std::string& key,
           const T& fallback) {
  auto it = values.find(key);
  if (it == values.end()) {
    return fallback;
  }
  auto* v = std::get_if<T>(&it->second);
  return v != nullptr ? *v : fallback;
}

}  // namespace

int64_t settings_view::integer(const std::string& key, int64_t fallback) const {
  return value_or(values_, key, fallback);
}

double settings_view::number(const std::string& key, double fallback) const {
  auto it = values_.find(key);
  if (it != values_.end()) {
    if (auto* i = std::get_if<int64_t>(&it->second)) {
      return static_cast<double>(*i);
    }
  }
  return value_or(values_, key, fallback);
}

bool settings_view::boolean(const std::string& key, bool fallback) const {
  return value_or(values_, key, fallback);
}

std::string settings_view::string(const std::string& key, const std::string& fallback) const {
  return value_or(values_, key, fallback);
}

}  // namespace api
}  // namespace mcprt
