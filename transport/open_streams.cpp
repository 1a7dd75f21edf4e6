#include "transport/open_streams.hpp"

#include <utility>
#include <vector>

namespace mcprt::transport {

uint64_t open_streams::add(ender end) {
  std::unique_lock<std::mutex> g(mutex_);
  auto ticket = ++next_;
  const auto& stored = enders_.emplace(ticket, std::move(end)).first->second;
  if (ending_) {
    auto now = stored;
    auto retry = retry_;
    g.unlock();
    now(retry);  // Opened while the server drains: it ends as soon as it starts.
  }
  return ticket;
}

void open_streams::forget(uint64_t ticket) {
  std::lock_guard<std::mutex> g(mutex_);
  enders_.erase(ticket);
}

size_t open_streams::end_all(std::chrono::milliseconds retry) {
  std::vector<ender> asked;
  {
    std::lock_guard<std::mutex> g(mutex_);
    ending_ = true;
    retry_ = retry;
    asked.reserve(enders_.size());
    for (const auto& [ticket, end] : enders_) {
      asked.push_back(end);
    }
  }
  // Outside the lock: an ender posts onto an I/O thread, which may be forgetting a stream.
  for (const auto& end : asked) {
    end(retry);
  }
  return asked.size();
}

size_t open_streams::open() const {
  std::lock_guard<std::mutex> g(mutex_);
  return enders_.size();
}

}  // namespace mcprt::transport
