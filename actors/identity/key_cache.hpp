// What the issuer's key actor publishes and every request thread reads: the current key set
// and what the issuer's metadata said. Swapped whole under a short lock; readers keep the
// snapshot they took.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "runtime/auth/jwk.hpp"

namespace mcprt::actors::identity {

/// The issuer as last fetched.
struct issuer_snapshot {
  jwk_set keys;
  std::string introspection_endpoint;  ///< From the metadata, or empty.
  bool ever_fetched = false;           ///< False until the first key set arrived.
  bool reachable = true;               ///< False when the last attempt failed (keys are stale).
};

class key_cache {
 public:
  std::shared_ptr<const issuer_snapshot> current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void publish(std::shared_ptr<const issuer_snapshot> next) {
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const issuer_snapshot> current_ = std::make_shared<issuer_snapshot>();
};

}  // namespace mcprt::actors::identity
