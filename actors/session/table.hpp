// Session id -> session actor, shared by every I/O thread. Read-mostly, so a shared mutex.
#pragma once

#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "runtime/api/messages.hpp"

namespace mcprt::actors::session {

/// The sessions of this node.
class session_table {
 public:
  /// The session with this id, if it is open.
  std::optional<session_actor> find(const std::string& id) const {
    std::shared_lock lock(mutex_);
    auto it = sessions_.find(id);
    return it == sessions_.end() ? std::nullopt : std::optional<session_actor>(it->second);
  }
  /// Adds a session.
  void insert(const std::string& id, session_actor actor) {
    std::unique_lock lock(mutex_);
    sessions_.emplace(id, std::move(actor));
  }
  /// Removes a session; false if it was not there.
  bool erase(const std::string& id) {
    std::unique_lock lock(mutex_);
    return sessions_.erase(id) > 0;
  }
  /// Calls `f` with every open session (for shutdown).
  template <class F>
  void for_each(F f) const {
    std::shared_lock lock(mutex_);
    for (const auto& [id, actor] : sessions_) {
      f(actor);
    }
  }
  /// Open sessions.
  size_t size() const {
    std::shared_lock lock(mutex_);
    return sessions_.size();
  }

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, session_actor> sessions_;
};

}  // namespace mcprt::actors::session
