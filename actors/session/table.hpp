// Session id -> session and its owner, shared by every I/O thread. Read-mostly, so a shared
// mutex. A session is found only by the principal that opened it: to anyone else it does not
// exist. The table's clock (an actor, started with its first session) ends idle sessions and
// runs their delayed steps, so an idle session holds no actor and no pending message.
#pragma once

#include <algorithm>
#include <atomic>
#include <caf/send.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/api/messages.hpp"

namespace mcprt::actors::session {

class session;
using session_ptr = std::shared_ptr<session>;

/// The sessions of this node.
class session_table {
 public:
  session_table() = default;
  session_table(const session_table&) = delete;
  session_table& operator=(const session_table&) = delete;
  ~session_table() = default;  // The clock ends at its next sweep once the table is gone.

  /// The session with this id, if it is open and `owner` (principal::owner()) opened it.
  /// `foreign`, when given, says whether another principal's session has the id.
  session_ptr find(const std::string& id, const std::string& owner, bool* foreign = nullptr) const {
    std::shared_lock lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) {
      return nullptr;
    }
    if (it->second.owner != owner) {
      if (foreign != nullptr) {
        *foreign = true;
      }
      return nullptr;
    }
    return it->second.s;
  }
  /// Adds a session opened by `owner`, which idles out after `idle_timeout`.
  void insert(const std::string& id, session_ptr s, std::string owner,
              std::chrono::milliseconds idle_timeout) {
    std::unique_lock lock(mutex_);
    sessions_.emplace(id, entry{std::move(s), std::move(owner)});
    auto shortest = shortest_idle_.load(std::memory_order_relaxed);
    shortest_idle_.store(std::min(shortest, idle_timeout), std::memory_order_relaxed);
  }
  /// Removes a session; false if it was not there.
  bool erase(const std::string& id) {
    std::unique_lock lock(mutex_);
    return sessions_.erase(id) > 0;
  }
  /// The sessions idle too long at `now` (the clock's sweep; session.cpp).
  std::vector<session_ptr> idle_at(std::chrono::steady_clock::time_point now) const;
  /// Every open session (for shutdown).
  std::vector<session_ptr> all() const {
    std::shared_lock lock(mutex_);
    std::vector<session_ptr> out;
    out.reserve(sessions_.size());
    for (const auto& [id, e] : sessions_) {
      out.push_back(e.s);
    }
    return out;
  }
  /// Open sessions.
  size_t size() const {
    std::shared_lock lock(mutex_);
    return sessions_.size();
  }

  /// How often the clock sweeps: a quarter of the shortest idle timeout, within [5 ms, 1 s].
  std::chrono::milliseconds sweep_period() const {
    auto quarter = shortest_idle_.load(std::memory_order_relaxed) / 4;
    return std::clamp(quarter, std::chrono::milliseconds(5), std::chrono::milliseconds(1000));
  }
  /// The clock, which `start` spawns the first time (session.cpp, clock_of).
  template <class Start>
  const session_clock_actor& clock(Start start) {
    std::call_once(clock_started_, [&] { clock_ = start(); });
    return clock_;
  }
  /// Stops every session and the clock: the node shuts down (before its actor system, which
  /// waits for the clock).
  void stop_all();

 private:
  struct entry {
    session_ptr s;
    std::string owner;
  };
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, entry> sessions_;
  std::atomic<std::chrono::milliseconds> shortest_idle_{std::chrono::milliseconds::max()};
  std::once_flag clock_started_;
  session_clock_actor clock_;
};

}  // namespace mcprt::actors::session
