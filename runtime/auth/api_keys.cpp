#include "runtime/auth/api_keys.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace mcprt {
inline namespace auth {

namespace {

std::array<unsigned char, 32> sha256(std::string_view bytes) {
  std::array<unsigned char, 32> out{};
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, EVP_sha256(), nullptr);
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::optional<std::array<unsigned char, 32>> from_hex(std::string_view hex) {
  if (hex.size() != 64) {
    return std::nullopt;
  }
  std::array<unsigned char, 32> out{};
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : sha256(bytes)) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

expected<api_key_set, std::string> api_key_set::make(const std::vector<api_key_entry>& entries) {
  api_key_set set;
  for (const auto& e : entries) {
    if (e.name.empty()) {
      return std::string("an API key needs a name");
    }
    auto digest = from_hex(e.sha256);
    if (!digest) {
      return "API key '" + e.name + "': sha256 must be 64 hex digits (printf %s KEY | sha256sum)";
    }
    for (const auto& k : set.keys_) {
      if (k.digest == *digest) {
        return "API key '" + e.name + "' has the same digest as '" + k.who.subject + "'";
      }
    }
    set.keys_.push_back({*digest, principal{{}, e.name, {}, e.scopes, 0}});
  }
  return set;
}

std::optional<principal> api_key_set::find(std::string_view key) const {
  auto digest = sha256(key);
  const principal* found = nullptr;
  // Every entry is compared, so the time does not tell which one matched.
  for (const auto& k : keys_) {
    if (CRYPTO_memcmp(k.digest.data(), digest.data(), digest.size()) == 0) {
      found = &k.who;
    }
  }
  return found ? std::optional<principal>(*found) : std::nullopt;
}

}  // namespace auth
}  // namespace mcprt
