// Session id -> session actor and its owner, shared by every I/O thread. Read-mostly, so a
// shared mutex. A session is found only by the principal that opened it: to anyone else it
// does not exist.
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
  /// The session with this id, if it is open and `owner` (principal::owner()) opened it.
  /// `foreign`, when given, says whether another principal's session has the id.
  std::optional<session_actor> find(const std::string& id, const std::string& owner,
                                    bool* foreign = nullptr) const {
    std::shared_lock lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) {
      return std::nullopt;
    }
    if (it->second.owner != owner) {
      if (foreign != nullptr) {
        *foreign = true;
      }
      return std::nullopt;
    }
    return it->second.actor;
  }
  /// Adds a session opened by `owner`.
  void insert(const std::string& id, session_actor actor, std::string owner) {
    std::unique_lock lock(mutex_);
    sessions_.emplace(id, entry{std::move(actor), std::move(owner)});
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
    for (const auto& [id, e] : sessions_) {
      f(e.actor);
    }
  }
  /// Open sessions.
  size_t size() const {
    std::shared_lock lock(mutex_);
    return sessions_.size();
  }

 private:
  struct entry {
    session_actor actor;
    std::string owner;
  };
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, entry> sessions_;
};

}  // namespace mcprt::actors::session
