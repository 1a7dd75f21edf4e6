#include "actors/identity/token_cache.hpp"

namespace mcprt::actors::identity {

std::optional<principal> token_cache::find(std::string_view token,
                                           const std::shared_ptr<const issuer_snapshot>& keys,
                                           int64_t now, int64_t leeway) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(token);
  if (it == entries_.end() || it->second.keys != keys || now > it->second.who.expires_at + leeway) {
    return std::nullopt;
  }
  return it->second.who;
}

void token_cache::store(std::string_view token, std::shared_ptr<const issuer_snapshot> keys,
                        principal who) {
  if (capacity_ == 0) {
    return;
  }
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_) {
    entries_.clear();  // Simple and bounded: the live tokens come back on their next request.
  }
  entries_.insert_or_assign(std::string(token), entry{std::move(keys), std::move(who)});
}

}  // namespace mcprt::actors::identity
