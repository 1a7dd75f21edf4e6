// A log-bucketed latency histogram: 32 sub-buckets per power of two (about 3% resolution),
// fixed memory, mergeable. Pure; no I/O.
#pragma once

#include <array>
#include <cstdint>

namespace mcprt::bench {

/// Latencies in nanoseconds, from 1 ns to about 9 minutes.
class histogram {
 public:
  /// Records one value.
  void record(uint64_t ns);
  /// Adds another histogram's counts.
  void merge(const histogram& other);
  /// Values recorded.
  uint64_t count() const { return count_; }
  /// The value at quantile q in [0, 1] (an upper bound of its bucket); 0 when empty.
  uint64_t quantile(double q) const;
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }

 private:
  static constexpr int sub_bits = 5;
  static constexpr int buckets = (64 - sub_bits) * (1 << sub_bits) + (1 << sub_bits);
  static int index_of(uint64_t v);
  static uint64_t upper_of(int index);

  std::array<uint64_t, buckets> counts_{};
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace mcprt::bench
