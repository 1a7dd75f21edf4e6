// Who is calling: the identity a verified credential names, and what it may do. Everything a
// caller creates (sessions, streams, tasks, request state) is bound to `owner()`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mcprt {
inline namespace auth {

/// An authenticated caller. Never holds the credential itself.
struct principal {
  std::string issuer;               ///< The token's `iss`; empty for an API key.
  std::string subject;              ///< The token's `sub`, or the API key's name.
  std::string client_id;            ///< The OAuth client, when the token names it.
  std::vector<std::string> scopes;  ///< Granted scopes.
  int64_t expires_at = 0;           ///< Unix seconds; 0 = the credential does not expire.

  /// True for the caller of a server without authentication (nothing is bound to it).
  bool anonymous() const { return subject.empty() && issuer.empty(); }
  /// The binding key: issuer and subject (never the token bytes, which change on refresh).
  /// Empty for the anonymous caller of a server without authentication.
  std::string owner() const {
    if (subject.empty() && issuer.empty()) {
      return {};
    }
    return (issuer.empty() ? std::string("api-key") : issuer) + '\n' + subject;
  }
  /// For logs: `sub@iss` or `key:name`.
  std::string display() const { return issuer.empty() ? "key:" + subject : subject + "@" + issuer; }
};

}  // namespace auth
}  // namespace mcprt
