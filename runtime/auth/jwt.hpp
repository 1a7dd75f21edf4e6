// JWT access tokens (RFC 7519, RFC 9068) verified against a key set: the allow-listed
// algorithms only (RS256, PS256, ES256, EdDSA: never `none`, never HMAC with public keys), the
// key chosen by `kid` and matching the algorithm, then the claims an OAuth resource server must
// check: exact issuer, the canonical resource among the audiences, `exp` required, `nbf`
// honoured, with a leeway. Pure: the caller supplies the keys and the time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/auth/jwk.hpp"
#include "runtime/codec/expected.hpp"

namespace mcprt {
inline namespace auth {

/// What a token must say to be accepted.
struct token_expectations {
  std::string issuer;           ///< `iss`, compared exactly.
  std::string resource;         ///< The canonical resource URL that `aud` must contain.
  int64_t leeway_seconds = 30;  ///< Clock skew allowed for `exp` and `nbf`.
  /// Required `typ` header ("at+jwt", RFC 9068), compared without case and an "application/"
  /// prefix; empty: any.
  std::string type;
};

/// An accepted token: who called, with what scopes, until when.
struct verified_token {
  std::string issuer;
  std::string subject;              ///< `sub`, else `client_id` (never empty).
  std::string client_id;            ///< `client_id` (RFC 9068), or `azp`, or empty.
  std::vector<std::string> scopes;  ///< From `scope` (space-separated) or `scp` (array).
  int64_t expires_at = 0;           ///< `exp`, Unix seconds.
  std::string key_id;               ///< The `kid` that verified it.
};

/// Why a token was refused; the kinds are metric labels.
enum class token_fault {
  malformed,      ///< Not three base64url parts of JSON objects, or too large.
  algorithm,      ///< `alg` not allowed (`none`, HS256, ...).
  type,           ///< `typ` is not the required one.
  unknown_key,    ///< No key with that `kid` (the caller may refetch the set once).
  key_mismatch,   ///< The key's type or curve (or its own `alg`) does not fit `alg`.
  signature,      ///< The signature does not verify.
  issuer,         ///< `iss` is not the configured issuer.
  audience,       ///< `aud` does not name this resource.
  expired,        ///< `exp` is past (or missing).
  not_yet_valid,  ///< `nbf` is in the future.
  inactive,       ///< An opaque token its issuer's introspection calls not active (RFC 7662).
};

struct token_error {
  token_fault fault = token_fault::malformed;
  std::string detail;  ///< For the log; never holds the token.
};

/// The fault's label ("expired", ...).
std::string_view to_string(token_fault fault);

/// Verifies `token` (the bearer credential, at most 16 KiB) with `keys` at Unix time `now`.
expected<verified_token, token_error> verify_jwt(std::string_view token, const jwk_set& keys,
                                                 const token_expectations& expect, int64_t now);

}  // namespace auth
}  // namespace mcprt
