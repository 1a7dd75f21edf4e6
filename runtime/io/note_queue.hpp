// The one rule for queueing a request's frames for a reader that may fall behind: below the
// watermark everything is queued; above it a note's overflow rule applies (the latest progress
// replaces the queued one, a log message is dropped), and everything else is still queued.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>

#include "runtime/io/frame_kind.hpp"

namespace mcprt {
inline namespace io {

/// What became of an offered frame.
enum class note_outcome { queued, coalesced, dropped };

/// Queues `item` at the back of `queue` (a deque of items with a `latest_key` string member)
/// under `overflow`, once `queue` holds `watermark` items or more. A coalesced note replaces the
/// newest queued one with its key; that one is near the back once the reader is behind, so the
/// search from the back is short.
template <class Queue, class Item>
note_outcome offer_frame(Queue& queue, Item item, const note_overflow& overflow, size_t watermark) {
  using rule = note_overflow::rule;
  auto outcome = note_outcome::queued;
  if (overflow.when_behind != rule::keep && queue.size() >= watermark) {
    if (overflow.when_behind == rule::drop) {
      return note_outcome::dropped;
    }
    auto same = std::find_if(queue.rbegin(), queue.rend(),
                             [&](const auto& queued) { return queued.latest_key == overflow.key; });
    if (same != queue.rend()) {
      queue.erase(std::next(same).base());
      outcome = note_outcome::coalesced;
    }
  }
  if (overflow.when_behind == rule::keep_latest) {
    item.latest_key = overflow.key;
  }
  queue.push_back(std::move(item));
  return outcome;
}

/// The depth at which a queue of `capacity` counts as behind.
inline size_t watermark_depth(size_t capacity, double watermark) {
  return std::max<size_t>(1, static_cast<size_t>(watermark * static_cast<double>(capacity)));
}

/// The metric label of an outcome that lost a note; empty for `queued`.
inline const char* lost_label(note_outcome outcome) {
  switch (outcome) {
    case note_outcome::coalesced:
      return "coalesced";
    case note_outcome::dropped:
      return "dropped";
    case note_outcome::queued:
      break;
  }
  return "";
}

}  // namespace io
}  // namespace mcprt
