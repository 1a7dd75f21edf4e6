// Unguessable ids from OpenSSL's CSPRNG.
#include "runtime/mcp/ids.hpp"

#include <openssl/rand.h>

#include <cstdlib>

namespace mcprt {
inline namespace mcp {

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    // The CSPRNG failing is fatal for unguessable ids; never fall back to a weak source.
    std::abort();
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char b : raw) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

std::string hex64(uint64_t x) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, x >>= 4) {
    out[static_cast<size_t>(i)] = hex[x & 15];
  }
  return out;
}

std::string id_issuer::new_session_id() const {
  auto random = random_hex(16);
  return node.empty() ? random : node + "." + hex64(incarnation) + "." + random;
}

std::string id_issuer::new_task_id() const {
  auto random = random_hex(16);
  return node.empty() ? random : node + "." + random;
}

namespace {

bool all_hex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

bool valid_node_name(std::string_view name) {
  return !name.empty() && name.size() <= 16 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

std::optional<id_owner> owner_of(std::string_view id) {
  auto first = id.find('.');
  if (first == std::string_view::npos) {
    return std::nullopt;
  }
  auto node = id.substr(0, first);
  auto rest = id.substr(first + 1);
  auto second = rest.find('.');
  if (!valid_node_name(node)) {
    return std::nullopt;
  }
  if (second == std::string_view::npos) {
    return all_hex(rest) ? std::optional<id_owner>(id_owner{node, std::nullopt}) : std::nullopt;
  }
  auto incarnation = rest.substr(0, second);
  auto random = rest.substr(second + 1);
  if (incarnation.size() != 16 || !all_hex(incarnation) || !all_hex(random)) {
    return std::nullopt;
  }
  return id_owner{node, std::strtoull(std::string(incarnation).c_str(), nullptr, 16)};
}

}  // namespace mcp
}  // namespace mcprt
