// The resource server's front gate: who is calling (a JWT access token verified against the
// issuer's keys, or a static API key), whether they hold the scopes every request needs, and
// the protected resource metadata (RFC 9728) that tells a client where to get a token.
// Called on I/O threads; never blocks: a token naming a key not yet fetched waits for the
// issuer's key actor and is answered from its thread.
#pragma once

#include <caf/fwd.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/identity/auth_metrics.hpp"
#include "actors/identity/introspector.hpp"
#include "actors/identity/issuer_keys.hpp"
#include "actors/identity/key_cache.hpp"
#include "actors/identity/token_cache.hpp"
#include "runtime/auth/api_keys.hpp"
#include "runtime/auth/bearer.hpp"
#include "runtime/auth/jwt.hpp"
#include "runtime/auth/principal.hpp"
#include "runtime/io/http_exchange.hpp"
#include "runtime/io/http_fetch.hpp"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace mcprt::actors::identity {

/// auth.mode
enum class auth_mode { none, oauth, api_keys };

/// The gate's settings, from config (auth.*).
struct gate_options {
  auth_mode mode = auth_mode::none;
  token_expectations expect;                  ///< issuer, resource (the public /mcp URL), leeway
  std::vector<std::string> required_scopes;   ///< Scopes every request needs.
  std::vector<std::string> scopes_supported;  ///< Published in the metadata (the minimal set).
  std::vector<api_key_entry> api_keys;        ///< apiKeys mode (also accepted in oauth mode).
  std::chrono::seconds jwks_refresh{600};
  std::chrono::seconds jwks_min_refetch{30};
  size_t token_cache_size = 10000;  ///< Accepted tokens remembered (0: verify every time).
  /// A client certificate TLS verified (transport.tls.clientCaFile) authenticates a request
  /// that sends no bearer credential, with these scopes.
  bool certificates = false;
  std::vector<std::string> certificate_scopes;
  /// oauth mode: opaque tokens are checked at the issuer's introspection endpoint (RFC 7662)
  /// as this client; empty id: only JWTs are accepted.
  std::string introspection_client_id;
  std::string introspection_client_secret;
};

/// The issuer part of a client certificate's principal (its subject is the certificate's).
inline constexpr std::string_view certificate_issuer = "x509";

/// Why a request is refused, and how to say so.
struct auth_denial {
  unsigned status = 401;  ///< 401 (no valid credential), 403 (scope), 503 (no keys yet).
  bearer_challenge challenge;
  std::string reason;  ///< Metric label and log word: missing, expired, insufficient_scope, ...
};

using auth_outcome = expected<principal, auth_denial>;

class gate {
 public:
  /// A gate for `options`; a one-line reason when they do not make sense. In oauth mode it
  /// starts the issuer's key actor (fetching through `fetcher`).
  static expected<std::shared_ptr<gate>, std::string> make(const gate_options& options,
                                                           caf::actor_system& sys,
                                                           std::shared_ptr<http_fetcher> fetcher,
                                                           prometheus::Registry& registry);
  ~gate();

  /// False in mode none: every caller is the anonymous principal.
  bool enabled() const { return options_.mode != auth_mode::none; }

  /// Authenticates a request (`authorization`: its header value or nullptr; `query`: its query
  /// string; `client_subject`: the verified TLS client certificate's subject, or empty;
  /// `what`: "POST /mcp" for the audit log). `done` runs once, on this thread or on the key
  /// actor's.
  void authenticate(const std::string* authorization, std::string_view query,
                    std::string_view client_subject, std::string what,
                    std::function<void(auth_outcome)> done) const;
  /// The same answer when it can be given now, on this thread, without verifying a token it
  /// has not seen (no allocation for the caller's continuation); nullopt: use authenticate.
  std::optional<auth_outcome> authenticate_now(const std::string* authorization,
                                               std::string_view query,
                                               std::string_view client_subject,
                                               std::string_view what) const;

  /// The 403 for a request that needs `needed` (all its scopes: one challenge), counted and
  /// logged with `who`.
  auth_denial insufficient_scope(std::vector<std::string> needed, std::string_view what,
                                 const principal& who) const;

  /// The HTTP answer for a denial: status, WWW-Authenticate, a JSON-RPC error body.
  http_response denial_response(const auth_denial& denial) const;

  /// True for the protected resource metadata paths (RFC 9728 §3.1: path-inserted and root).
  bool is_metadata_path(std::string_view path) const;
  /// The metadata document's answer to `method` (GET, HEAD, OPTIONS; CORS for any origin).
  http_response metadata_response(std::string_view method) const;

  /// Stops the key actor.
  void stop();

  /// SIGHUP: `next`'s API keys, required scopes, certificate scopes and the metadata's
  /// scopes_supported for the next requests
  /// (a token already verified keeps its own scopes; the new required ones apply to it). A
  /// one-line reason, and nothing changes, when the keys do not make sense.
  std::string replace_rules(const gate_options& next);

 private:
  gate(gate_options options, std::shared_ptr<auth_metrics> metrics);
  void verify(std::string token, std::string what, std::function<void(auth_outcome)> done,
              bool refetched) const;
  // An opaque token: asks the issuer (after its metadata, when that is still on its way).
  void introspect(std::string token, std::string what, std::function<void(auth_outcome)> done,
                  bool waited) const;
  auth_outcome check_scopes(principal who, std::string_view what) const;
  // Counts and logs a refusal (`who`: the principal, when the credential was valid).
  auth_denial deny(unsigned status, std::string error, std::string description, std::string reason,
                   std::string_view what, const principal* who = nullptr) const;

  // What SIGHUP may change, read by every authenticated request: swapped whole.
  struct rules {
    api_key_set keys;
    std::vector<std::string> required_scopes;
    std::vector<std::string> certificate_scopes;
    std::string metadata;  ///< The protected resource metadata document.
  };
  std::shared_ptr<const rules> current_rules() const;

  gate_options options_;
  mutable std::mutex rules_mutex_;
  std::shared_ptr<const rules> rules_;
  std::string metadata_url_;   ///< resource_metadata of every challenge.
  std::string metadata_path_;  ///< /.well-known/oauth-protected-resource<resource path>
  std::shared_ptr<auth_metrics> metrics_;
  std::shared_ptr<key_cache> cache_ = std::make_shared<key_cache>();
  std::unique_ptr<token_cache> verified_;
  std::shared_ptr<issuer_keys_actor> keys_actor_;
  std::shared_ptr<introspector> introspector_;
};

using gate_ptr = std::shared_ptr<const gate>;

}  // namespace mcprt::actors::identity
