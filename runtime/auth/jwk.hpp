// JSON Web Keys (RFC 7517) as OpenSSL public keys: the key set an OAuth authorization server
// publishes at its `jwks_uri`, read into what JWT verification needs. Only the key types and
// curves mcprt accepts: RSA (2048 bits or more), EC P-256 and OKP Ed25519.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/codec/expected.hpp"

using EVP_PKEY = struct evp_pkey_st;

namespace mcprt {
inline namespace auth {

/// The key families mcprt verifies with.
enum class key_family { rsa, ec_p256, ed25519 };

/// One public key of a set.
struct jwk {
  std::string kid;  ///< Empty when the set did not name it.
  std::string alg;  ///< The `alg` the key is restricted to, or empty.
  std::string use;  ///< `sig`, `enc` or empty.
  key_family family = key_family::rsa;
  std::shared_ptr<EVP_PKEY> key;
};

/// A key set. Keys the set holds that mcprt cannot use (other types and curves, `use: enc`,
/// RSA under 2048 bits, malformed members) are skipped and named in `skipped`.
struct jwk_set {
  std::vector<jwk> keys;
  std::vector<std::string> skipped;  ///< One line per key left out, with the reason.

  /// The key with this `kid`, or nullptr. With an empty `kid`, the only key of the set.
  const jwk* find(std::string_view kid) const;
};

/// Reads a JWKS document (`{"keys":[...]}`, at most 64 KiB); a one-line reason when it is not
/// one.
expected<jwk_set, std::string> parse_jwks(std::string_view json);

}  // namespace auth
}  // namespace mcprt
