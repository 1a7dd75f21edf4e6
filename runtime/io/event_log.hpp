// A session's replay history for resumable SSE streams (Last-Event-ID): the events written,
// bounded, and what follows a given event id. Separate from the outbox that writes them, so
// the id parser can be tested and fuzzed on its own.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace mcprt {
inline namespace io {

struct shared_note;

/// A written SSE event kept for replay (Last-Event-ID): its id and its message, shared with
/// the queue it came from (no copy per event).
struct logged_event {
  uint64_t id = 0;
  uint64_t stream = 0;                       ///< 0: the GET stream; else one POST's stream.
  std::shared_ptr<const shared_note> note;   ///< A notification, or
  std::shared_ptr<const std::string> frame;  ///< a control frame.
};

/// A session's bounded history of written events, for resuming a dropped stream. Event ids
/// are `<salt>-<n>`: the salt is random per session, so an id from another session is
/// recognised as foreign instead of replaying the wrong events. Thread-safe.
class event_log {
 public:
  event_log(std::string salt, size_t capacity) : salt_(std::move(salt)), capacity_(capacity) {}
  /// A new event number (unique within the session).
  uint64_t next_id();
  /// A new stream number for a request's own SSE stream (the GET stream is 0).
  uint64_t next_stream();
  /// The SSE id text of event `n`.
  std::string format_id(uint64_t n) const { return salt_ + "-" + std::to_string(n); }
  /// Keeps an event, dropping the oldest beyond capacity.
  void keep(logged_event ev);
  /// What a Last-Event-ID refers to.
  enum class resume { replay, foreign, too_old };
  /// Events of the same stream after the one named `last_event_id`, oldest first, when it is
  /// this session's and still in the history.
  resume after(std::string_view last_event_id, std::vector<logged_event>& out) const;

 private:
  mutable std::mutex mutex_;
  std::string salt_;
  size_t capacity_;
  uint64_t next_ = 1;
  uint64_t next_stream_ = 1;
  std::deque<logged_event> events_;
};

}  // namespace io
}  // namespace mcprt
