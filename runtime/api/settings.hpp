// Typed setting values and their declarations, shared by config/ (which reads them) and
// plugins (which declare and use them).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mcprt {
inline namespace api {

/// The value types a setting can have.
using setting_value = std::variant<int64_t, double, bool, std::string, std::vector<std::string>>;

/// How a setting is typed in the file.
enum class setting_type { integer, number, boolean, string, string_list };

/// A declared setting: full dotted key, type, default, bounds and help.
struct setting_spec {
  std::string key;  ///< Dotted camelCase path, e.g. `demo.maxSleepMs`.
  setting_type type = setting_type::integer;
  setting_value fallback;   ///< The embedded default.
  double min = 0, max = 0;  ///< Inclusive bounds for numbers; ignored when min == max == 0.
  std::string help;
};

/// Effective values by key, as a plugin sees its own section.
class settings_view {
 public:
  settings_view() = default;
  explicit settings_view(std::map<std::string, setting_value> values)
      : values_(std::move(values)) {}

  /// The integer at `key`, or `fallback` when unset.
  int64_t integer(const std::string& key, int64_t fallback) const;
  /// The number at `key` (an integer is converted), or `fallback` when unset.
  double number(const std::string& key, double fallback) const;
  /// The boolean at `key`, or `fallback` when unset.
  bool boolean(const std::string& key, bool fallback) const;
  /// The string at `key`, or `fallback` when unset.
  std::string string(const std::string& key, const std::string& fallback) const;

 private:
  std::map<std::string, setting_value> values_;
};

}  // namespace api
}  // namespace mcprt
