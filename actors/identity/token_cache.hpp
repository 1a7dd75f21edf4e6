// Tokens already verified, so that a client sending the same access token request after
// request pays for one signature check, not one per request. An entry holds only while the
// key set it was verified against is still the current one and until the token's `exp`
// (plus the leeway); only accepted tokens are kept, and at most `capacity` of them.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "actors/identity/key_cache.hpp"
#include "runtime/auth/principal.hpp"

namespace mcprt::actors::identity {

class token_cache {
 public:
  explicit token_cache(size_t capacity) : capacity_(capacity) {}

  /// The principal `token` names, if it was verified against `keys` and is still unexpired at
  /// `now` with `leeway` seconds. Kept ready-made: a hit is one copy.
  std::optional<principal> find(std::string_view token,
                                const std::shared_ptr<const issuer_snapshot>& keys, int64_t now,
                                int64_t leeway) const;
  /// Remembers an accepted token (forgetting everything when full).
  void store(std::string_view token, std::shared_ptr<const issuer_snapshot> keys, principal who);

 private:
  struct entry {
    std::shared_ptr<const issuer_snapshot> keys;
    principal who;
  };
  size_t capacity_;
  mutable std::mutex mutex_;
  // Looked up by string_view: no copy of the token per request. Hashes the token's last 32
  // bytes and its length only (a JWT ends in its signature, unpredictable bytes): the whole
  // token is compared on a hit anyway, and only verified tokens are ever stored, so nobody can
  // fill a bucket with chosen collisions.
  struct text_hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const {
      constexpr size_t tail = 32;
      auto part = s.size() > tail ? s.substr(s.size() - tail) : s;
      return std::hash<std::string_view>{}(part) ^ (s.size() * 0x9e3779b97f4a7c15ULL);
    }
  };
  std::unordered_map<std::string, entry, text_hash, std::equal_to<>> entries_;
};

}  // namespace mcprt::actors::identity
