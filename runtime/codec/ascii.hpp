// ASCII case for protocol text (HTTP header values, URL schemes and hosts, JOSE header values):
// RFC 9110 and its kin compare these case-insensitively in ASCII, never by locale. Comparing
// in place also spares a lower-case copy of a header value on every request.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace mcprt {
inline namespace codec {

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// `s` with A-Z in lower case; other bytes as they are.
inline std::string ascii_lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

/// Equal but for the case of ASCII letters.
inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

/// True when `text` contains `lower_needle` (written in lower case) in any ASCII case.
inline bool icontains(std::string_view text, std::string_view lower_needle) {
  return std::search(text.begin(), text.end(), lower_needle.begin(), lower_needle.end(),
                     [](char t, char n) { return ascii_lower(t) == n; }) != text.end();
}

}  // namespace codec
}  // namespace mcprt
