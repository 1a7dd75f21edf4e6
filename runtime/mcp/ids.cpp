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

std::string new_session_id() {
  return random_hex(16);
}

}  // namespace mcp
}  // namespace mcprt
