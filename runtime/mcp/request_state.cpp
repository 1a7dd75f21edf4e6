// HMAC-SHA256 over the payload with a random per-process key (or the configured ones),
// compared in constant time.
#include "runtime/mcp/request_state.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cstdlib>

#include "runtime/codec/base64.hpp"

namespace mcprt {
inline namespace mcp {
namespace request_state {

namespace {

struct sealing_keys {
  std::string current;
  std::string previous;  // Empty: none.
};

// Set before requests are served (use_keys at start), read only afterwards.
sealing_keys& keys() {
  static sealing_keys k = [] {
    std::string bytes(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()),
                   static_cast<int>(bytes.size())) != 1) {
      std::abort();  // Without a secret key, state could be forged: never fall back.
    }
    return sealing_keys{std::move(bytes), {}};
  }();
  return k;
}

std::string mac_hex(std::string_view payload, const std::string& key) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &len);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<size_t>(len) * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 15];
  }
  return out;
}

// What the MAC covers: the owner, length-prefixed so no owner and payload pair can pose as
// another, then the payload.
std::string mac_of(std::string_view payload, std::string_view owner, const std::string& key) {
  std::string covered = std::to_string(owner.size()) + ":";
  covered.append(owner);
  covered.append(payload);
  return mac_hex(covered, key);
}

bool same(std::string_view given, const std::string& expected) {
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

}  // namespace

std::string seal(std::string_view payload, std::string_view owner) {
  return base64_encode(payload) + "." + mac_of(payload, owner, keys().current);
}

std::optional<std::string> open(std::string_view sealed, std::string_view owner) {
  auto dot = sealed.rfind('.');
  if (dot == std::string_view::npos) {
    return std::nullopt;
  }
  auto payload = base64_decode(sealed.substr(0, dot));
  if (!payload) {
    return std::nullopt;
  }
  auto given = sealed.substr(dot + 1);
  const auto& k = keys();
  if (same(given, mac_of(*payload, owner, k.current)) ||
      (!k.previous.empty() && same(given, mac_of(*payload, owner, k.previous)))) {
    return payload;
  }
  return std::nullopt;
}

void use_keys(std::string current, std::string previous) {
  keys() = sealing_keys{std::move(current), std::move(previous)};
}

}  // namespace request_state
}  // namespace mcp
}  // namespace mcprt
