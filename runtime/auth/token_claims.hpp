// The claims an OAuth resource server checks, wherever they come from: a verified JWT's payload
// or an introspection answer (RFC 7662 uses the same names). Exact issuer, the canonical
// resource among the audiences, `exp` required, `nbf` honoured, with a leeway; then who
// (`sub`, else `client_id`: one of them is required) and with what scopes (`scope` or `scp`).
#pragma once

#include <rapidjson/document.h>

#include <cstdint>

#include "runtime/auth/jwt.hpp"

namespace mcprt {
inline namespace auth {

/// Whether `iss` must be present (a JWT) or may be left out (an introspection answer comes
/// from the issuer itself; when it names one, it must be the configured one).
enum class issuer_claim { required, optional };

/// Reads and checks `claims` (a JSON object) at Unix time `now`.
expected<verified_token, token_error> read_token_claims(const rapidjson::Value& claims,
                                                        const token_expectations& expect,
                                                        int64_t now, issuer_claim issuer);

}  // namespace auth
}  // namespace mcprt
