// Asking for memory before it is read. On the fan-out path each connection's state is touched
// once a round, and at thousands of connections it has left the cache by then: every first
// touch waits for memory, one after the other. Asked for a few connections ahead, those waits
// overlap with the writes of the connections before.
//
// Always inlined: GCC 12 finds that a function holding only prefetches has no effect and
// deletes the calls to it, prefetches and all.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mcprt {
inline namespace io {

/// Asks for the cache line holding `at`, to be written (a hint: returns at once, never faults).
[[gnu::always_inline]] inline void prefetch_line_for_write(const void* at) {
  __builtin_prefetch(at, 1);
}

/// Asks for every cache line of `bytes` bytes from `at`, to be written.
[[gnu::always_inline]] inline void prefetch_for_write(const void* at, size_t bytes) {
  constexpr size_t line = 64;
  const auto* p = static_cast<const char*>(at);
  for (size_t offset = 0; offset < bytes; offset += line) {
    __builtin_prefetch(p + offset, 1);
  }
  if (bytes > 0) {
    __builtin_prefetch(p + bytes - 1, 1);  // The last line, when `at` is not a line's start.
  }
}

/// Asks for every cache line from `first` through the byte at `last` (two members of one
/// object), to be written.
[[gnu::always_inline]] inline void prefetch_through_for_write(const void* first, const void* last) {
  prefetch_for_write(
      first,
      static_cast<size_t>(static_cast<const char*>(last) - static_cast<const char*>(first)) + 1);
}

/// Asks for the lines of `bytes` bytes that begin `before` bytes ahead of `at` (a header that
/// an allocation keeps in front of an object), to be written. Nothing when `at` is null.
[[gnu::always_inline]] inline void prefetch_before_for_write(const void* at, size_t before,
                                                             size_t bytes) {
  if (at == nullptr) {
    return;
  }
  // In integers: the bytes lie outside the object `at` points to. The address is only a hint,
  // never read through, so what the cast does to its provenance does not matter.
  // NOLINTNEXTLINE(performance-no-int-to-ptr)
  const auto* start = reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(at) - before);
  prefetch_for_write(start, bytes);
}

}  // namespace io
}  // namespace mcprt
