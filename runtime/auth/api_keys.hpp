// Static API keys for headless callers (CI, agents without an OAuth client): each key is
// stored only as its SHA-256 digest, with the principal name and scopes it stands for.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/auth/principal.hpp"
#include "runtime/codec/expected.hpp"

namespace mcprt {
inline namespace auth {

/// One configured key: `sha256` is the hex SHA-256 of the key's bytes (`sha256sum`).
struct api_key_entry {
  std::string name;  ///< The principal the key stands for.
  std::string sha256;
  std::vector<std::string> scopes;
  bool operator==(const api_key_entry&) const = default;
};

/// The configured keys, looked up by the digest of a presented key.
class api_key_set {
 public:
  /// Checks the entries (a name, 64 hex digits, no digest twice); a one-line reason if not.
  static expected<api_key_set, std::string> make(const std::vector<api_key_entry>& entries);

  /// The principal of `key`, or nullopt. Compares digests in constant time.
  std::optional<principal> find(std::string_view key) const;

  size_t size() const { return keys_.size(); }

 private:
  struct stored {
    std::array<unsigned char, 32> digest;
    principal who;
  };
  std::vector<stored> keys_;
};

/// The SHA-256 digest of `bytes`, as lowercase hex.
std::string sha256_hex(std::string_view bytes);

}  // namespace auth
}  // namespace mcprt
