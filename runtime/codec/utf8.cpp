// UTF-8 validation: a word-at-a-time skip over ASCII, then one sequence at a time.
#include "runtime/codec/utf8.hpp"

namespace mcprt {
inline namespace codec {
namespace utf8 {

size_t sequence_length(std::string_view s, size_t i) {
  auto at = [&s](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto tail = [&](size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return k < s.size() && at(k) >= lo && at(k) <= hi;
  };
  unsigned char c = at(i);
  if (c >= 0xC2 && c <= 0xDF) {
    return tail(i + 1) ? 2 : 0;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;  // No overlong forms,
    unsigned char hi = c == 0xED ? 0x9F : 0xBF;  // no surrogates (U+D800..U+DFFF).
    return tail(i + 1, lo, hi) && tail(i + 2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;  // Nothing above U+10FFFF.
    return tail(i + 1, lo, hi) && tail(i + 2) && tail(i + 3) ? 4 : 0;
  }
  return 0;
}

size_t first_invalid(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (i + 8 <= s.size() && all_ascii(word_at(s, i))) {
      i += 8;
      continue;
    }
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    auto n = sequence_length(s, i);
    if (n == 0) {
      return i;
    }
    i += n;
  }
  return std::string_view::npos;
}

}  // namespace utf8
}  // namespace codec
}  // namespace mcprt
