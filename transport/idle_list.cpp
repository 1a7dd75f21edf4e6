#include "transport/idle_list.hpp"

#include <algorithm>

namespace mcprt::transport {

namespace {

// Expiries this close together share one timer wake: an idle timeout is not a deadline to the
// microsecond, and a sweep per connection would wake the thread once per expiry.
std::chrono::milliseconds slack_for(std::chrono::milliseconds timeout) {
  return std::min<std::chrono::milliseconds>(timeout / 16, std::chrono::seconds(1));
}

}  // namespace

void idle_list::watch(idle_watcher& w) {
  w.since_ = clock::now();
  w.prev_ = tail_;
  w.next_ = nullptr;
  (tail_ ? tail_->next_ : head_) = &w;
  tail_ = &w;
  ++size_;
  auto timeout = timeout_();
  auto due = w.since_ + timeout + slack_for(timeout);
  // Earlier than the armed wake only when SIGHUP shortened the timeout.
  if (!armed_ || due < armed_for_) {
    arm(due);
  }
}

void idle_list::forget(idle_watcher& w) {
  if (w.since_ == clock::time_point{}) {
    return;
  }
  (w.prev_ ? w.prev_->next_ : head_) = w.next_;
  (w.next_ ? w.next_->prev_ : tail_) = w.prev_;
  w.prev_ = w.next_ = nullptr;
  w.since_ = {};
  --size_;
}

void idle_list::arm(clock::time_point due) {
  armed_ = true;
  armed_for_ = due;
  timer_.expires_at(due);  // Cancels a wait armed before: its handler sees the error.
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!ec && self) {
      self->armed_ = false;
      self->sweep();
    }
  });
}

void idle_list::sweep() {
  auto now = clock::now();
  auto timeout = timeout_();
  while (head_ && head_->since_ + timeout <= now) {
    auto& expired = *head_;
    forget(expired);
    expired.idle_expired();  // May close it; it is off the list already.
  }
  if (head_ && !armed_) {
    arm(head_->since_ + timeout + slack_for(timeout));
  }
}

}  // namespace mcprt::transport
