// RFC 7662 token introspection, the resource server's side, pure: the request it sends to the
// issuer's introspection_endpoint for an opaque token, and what it accepts back (`active`
// true, then the same claims a JWT must carry: issuer, audience, exp, nbf).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/auth/jwt.hpp"

namespace mcprt {
inline namespace auth {

/// The form body asking about `token` (RFC 7662 §2.1).
std::string introspection_form(std::string_view token);

/// `Authorization: Basic …` for a confidential client (client_secret_basic: each part
/// form-encoded, then base64, RFC 6749 §2.3.1).
std::string basic_authorization(std::string_view client_id, std::string_view secret);

/// Reads the issuer's answer at Unix time `now`: an inactive token is `token_fault::inactive`;
/// an active one must pass the claim checks (an absent `iss` means the configured issuer).
expected<verified_token, token_error> read_introspection(std::string_view body,
                                                         const token_expectations& expect,
                                                         int64_t now);

}  // namespace auth
}  // namespace mcprt
