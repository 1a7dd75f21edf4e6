#include "runtime/io/event_log.hpp"

#include <algorithm>

namespace mcprt {
inline namespace io {

uint64_t event_log::next_id() {
  std::lock_guard<std::mutex> g(mutex_);
  return next_++;
}

uint64_t event_log::next_stream() {
  std::lock_guard<std::mutex> g(mutex_);
  return next_stream_++;
}

void event_log::keep(logged_event ev) {
  std::lock_guard<std::mutex> g(mutex_);
  events_.push_back(std::move(ev));
  while (events_.size() > capacity_) {
    events_.pop_front();
  }
}

event_log::resume event_log::after(std::string_view last_event_id,
                                   std::vector<logged_event>& out) const {
  auto dash = last_event_id.rfind('-');
  if (dash == std::string_view::npos || last_event_id.substr(0, dash) != salt_) {
    return resume::foreign;
  }
  uint64_t last = 0;
  for (char c : last_event_id.substr(dash + 1)) {
    if (c < '0' || c > '9' || last > (UINT64_MAX - 9) / 10) {
      return resume::foreign;
    }
    last = last * 10 + static_cast<uint64_t>(c - '0');
  }
  std::lock_guard<std::mutex> g(mutex_);
  if (last == 0 || last >= next_) {
    return resume::foreign;  // Never issued here.
  }
  // The stream the client was reading: its events, and only its, come again.
  auto named = std::find_if(events_.begin(), events_.end(),
                            [last](const logged_event& ev) { return ev.id == last; });
  if (named == events_.end()) {
    return resume::too_old;  // Events after it were forgotten: say so rather than skip them.
  }
  for (auto it = std::next(named); it != events_.end(); ++it) {
    if (it->stream == named->stream && (it->note || it->frame)) {
      out.push_back(*it);
    }
  }
  return resume::replay;
}

}  // namespace io
}  // namespace mcprt
