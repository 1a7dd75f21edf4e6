// The HTTP side of bearer tokens (RFC 6750): reading the credential out of an Authorization
// header, refusing tokens in the query string, and writing the WWW-Authenticate challenge
// (with RFC 9728's resource_metadata) that tells a client where to get a token.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/codec/expected.hpp"

namespace mcprt {
inline namespace auth {

/// Why a request carries no usable bearer credential.
enum class credential_fault {
  missing,    ///< No Authorization header (the challenge then names no error, RFC 6750 §3.1).
  malformed,  ///< Not `Bearer <token68>`: another scheme, two tokens, bad characters.
  in_query,   ///< An `access_token` query parameter: refused, never read (MCP 2026-07-28).
};

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive, at most 16 KiB).
/// `authorization` is the header's value, or nullptr when absent.
expected<std::string_view, credential_fault> read_bearer(const std::string* authorization);

/// What follows `Bearer ` in `authorization`, unchecked: a key for looking up a token already
/// verified (a hit proves it was read and checked before), never a credential on its own.
std::string_view unchecked_bearer(std::string_view authorization);

/// True when the query string has an `access_token` parameter.
bool query_carries_token(std::string_view query);

/// One `WWW-Authenticate: Bearer ...` challenge.
struct bearer_challenge {
  std::string resource_metadata;    ///< The metadata document's URL; empty (API keys): none.
  std::vector<std::string> scopes;  ///< All scopes the operation needs (one challenge).
  std::string error;        ///< "", "invalid_token", "invalid_request", "insufficient_scope".
  std::string description;  ///< error_description; quotes and backslashes are dropped.
};

/// The header value: `Bearer error="...", scope="...", resource_metadata="..."`.
std::string write_challenge(const bearer_challenge& challenge);

}  // namespace auth
}  // namespace mcprt
