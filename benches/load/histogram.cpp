// Bucket index: values below 32 map to themselves; above, the position of the highest set
// bit picks a power of two and the next five bits the sub-bucket.
#include "benches/load/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mcprt::bench {

int histogram::index_of(uint64_t v) {
  if (v < (1u << sub_bits)) {
    return static_cast<int>(v);
  }
  int msb = 63 - std::countl_zero(v);
  int shift = msb - sub_bits;
  int sub = static_cast<int>((v >> shift) & ((1u << sub_bits) - 1));
  return (shift + 1) * (1 << sub_bits) + sub;
}

uint64_t histogram::upper_of(int index) {
  if (index < (1 << sub_bits)) {
    return static_cast<uint64_t>(index);
  }
  int shift = index / (1 << sub_bits) - 1;
  auto sub = static_cast<uint64_t>(index % (1 << sub_bits));
  return (((uint64_t{1} << sub_bits) | sub) << shift) + ((uint64_t{1} << shift) - 1);
}

void histogram::record(uint64_t ns) {
  ++counts_[static_cast<size_t>(index_of(ns))];
  ++count_;
  min_ = std::min(min_, ns);
  max_ = std::max(max_, ns);
}

void histogram::merge(const histogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) {
    counts_[i] += other.counts_[i];
  }
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

uint64_t histogram::quantile(double q) const {
  if (count_ == 0) {
    return 0;
  }
  auto rank =
      static_cast<uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_)));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      return std::min(upper_of(static_cast<int>(i)), max_);
    }
  }
  return max_;
}

}  // namespace mcprt::bench
