// UTF-8 as RFC 3629 defines it (no overlong forms, no surrogates, nothing above U+10FFFF),
// checked fast: runs of ASCII go eight bytes at a time. Shared by the JSON reader and writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace mcprt {
inline namespace codec {
namespace utf8 {

/// The length of the valid sequence that starts at `s[i]` (a byte of 0x80 or more), or 0 when
/// no valid sequence starts there.
size_t sequence_length(std::string_view s, size_t i);

/// The offset of the first byte of `s` that is not part of valid UTF-8, or npos.
size_t first_invalid(std::string_view s);

/// Eight bytes of `s` from `i` (which must leave eight), for word-at-a-time scans.
inline uint64_t word_at(std::string_view s, size_t i) {
  uint64_t w;
  std::memcpy(&w, s.data() + i, sizeof w);
  return w;
}

/// True when every byte of `w` is ASCII.
inline bool all_ascii(uint64_t w) {
  return (w & 0x8080808080808080ULL) == 0;
}

}  // namespace utf8
}  // namespace codec
}  // namespace mcprt
