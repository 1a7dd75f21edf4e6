#include "actors/identity/gate.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <ctime>

#include "actors/identity/issuer_metadata.hpp"
#include "runtime/auth/scopes.hpp"
#include "runtime/codec/json.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/codec/url.hpp"
#include "runtime/io/error_response.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::identity {

namespace {

constexpr std::string_view well_known = "/.well-known/oauth-protected-resource";

std::string metadata_document(const gate_options& o) {
  rapidjson::StringBuffer out;
  json_writer w(out);
  auto strings = [&w](const std::vector<std::string>& items) {
    w.StartArray();
    for (const auto& s : items) {
      w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    }
    w.EndArray();
  };
  w.StartObject();
  w.Key("resource");
  w.String(o.expect.resource.c_str());
  w.Key("authorization_servers");
  strings(o.mode == auth_mode::oauth ? std::vector<std::string>{o.expect.issuer}
                                     : std::vector<std::string>{});
  w.Key("scopes_supported");
  strings(o.scopes_supported.empty() ? o.required_scopes : o.scopes_supported);
  w.Key("bearer_methods_supported");
  strings({"header"});
  w.Key("resource_name");
  w.String("mcprt");
  w.EndObject();
  return {out.GetString(), out.GetSize()};
}

// The words of a token fault for a client (no token, no key material).
std::string describe(token_fault f) {
  switch (f) {
    case token_fault::expired:
      return "the access token has expired (or has no exp)";
    case token_fault::not_yet_valid:
      return "the access token is not valid yet (nbf)";
    case token_fault::audience:
      return "the access token was not issued for this resource (aud)";
    case token_fault::issuer:
      return "the access token was not issued by the trusted issuer (iss)";
    case token_fault::algorithm:
      return "the access token's algorithm is not accepted";
    case token_fault::inactive:
      return "the access token is not active (revoked, expired or unknown to the issuer)";
    default:
      return "the access token is invalid";
  }
}

}  // namespace

gate::gate(gate_options options, std::shared_ptr<auth_metrics> metrics)
    : options_(std::move(options)), metrics_(std::move(metrics)) {}

gate::~gate() {
  stop();
}

expected<std::shared_ptr<gate>, std::string> gate::make(const gate_options& options,
                                                        caf::actor_system& sys,
                                                        std::shared_ptr<http_fetcher> fetcher,
                                                        prometheus::Registry& registry) {
  auto keys = api_key_set::make(options.api_keys);
  if (!keys) {
    return "auth.apiKeys: " + keys.error();
  }
  std::shared_ptr<gate> g(new gate(options, std::make_shared<auth_metrics>(registry)));
  g->verified_ = std::make_unique<token_cache>(options.token_cache_size);
  auto key_count = keys.value().size();
  g->rules_ =
      std::make_shared<const rules>(rules{std::move(keys.value()), options.required_scopes,
                                          options.certificate_scopes, metadata_document(options)});
  if (options.mode == auth_mode::none) {
    return g;
  }
  if (options.mode == auth_mode::api_keys) {
    // No authorization server: no metadata to publish, no resource_metadata to point at.
    if (key_count == 0 && !options.certificates) {
      return std::string(
          "auth.mode apiKeys needs at least one entry in auth.apiKeys (or client certificates: "
          "transport.tls.clientCaFile)");
    }
    return g;
  }
  auto resource = parse_http_url(options.expect.resource);
  if (!resource || resource->target.find('?') != std::string::npos) {
    return "auth.resource must be the absolute public URL of /mcp (no query, no fragment), not '" +
           options.expect.resource + "'";
  }
  auto path = resource->target == "/" ? std::string() : resource->target;
  g->metadata_path_ = std::string(well_known) + path;
  g->metadata_url_ = resource->origin() + g->metadata_path_;
  if (!fetchable(options.expect.issuer)) {
    return "auth.issuer must be an https URL (http only on a loopback address), not '" +
           options.expect.issuer + "'";
  }
  if (!fetcher) {
    return std::string("auth.mode oauth needs an HTTP client");
  }
  if (!options.introspection_client_id.empty()) {
    introspection_options io;
    io.client_id = options.introspection_client_id;
    io.client_secret = options.introspection_client_secret;
    io.expect = options.expect;
    io.cache_size = options.token_cache_size;
    g->introspector_ = std::make_shared<introspector>(std::move(io), fetcher, g->metrics_);
  }
  issuer_options io;
  io.issuer = options.expect.issuer;
  io.refresh = options.jwks_refresh;
  io.min_refetch = options.jwks_min_refetch;
  g->keys_actor_ = std::make_shared<issuer_keys_actor>(
      spawn_issuer_keys(sys, std::move(io), g->cache_, std::move(fetcher), g->metrics_));
  return g;
}

void gate::stop() {
  if (keys_actor_) {
    caf::anon_send_exit(*keys_actor_, caf::exit_reason::user_shutdown);
    keys_actor_.reset();
  }
}

auth_denial gate::deny(unsigned status, std::string error, std::string description,
                       std::string reason, std::string_view what, const principal* who) const {
  if (status == 403) {
    metrics_->authorization_denied(reason);
  } else {
    metrics_->authentication_failed(reason);
  }
  log::info("auth refused status=" + std::to_string(status) + " reason=" + reason + " request=\"" +
            std::string(what) + "\"" +
            (who != nullptr ? " principal=" + who->display() : std::string()));
  return auth_denial{status,
                     bearer_challenge{metadata_url_, current_rules()->required_scopes,
                                      std::move(error), std::move(description)},
                     std::move(reason)};
}

std::optional<auth_outcome> gate::authenticate_now(const std::string* authorization,
                                                   std::string_view query,
                                                   std::string_view client_subject,
                                                   std::string_view what) const {
  if (!enabled()) {
    return principal{};
  }
  if (query_carries_token(query)) {
    return deny(401, "invalid_request",
                "access tokens are accepted only in the Authorization header", "token_in_query",
                what);
  }
  if (authorization != nullptr && options_.mode == auth_mode::oauth) {
    // The common case first: the token this client sent before, still valid. Its exact bytes
    // were read and verified then, so the header's syntax need not be checked again.
    if (auto again = unchecked_bearer(*authorization); !again.empty()) {
      auto now = static_cast<int64_t>(std::time(nullptr));
      if (auto known =
              verified_->find(again, cache_->current(), now, options_.expect.leeway_seconds)) {
        metrics_->authenticated(auth_metrics::credential::jwt);
        return check_scopes(std::move(*known), what);
      }
    }
  }
  if (authorization == nullptr && !client_subject.empty() && options_.certificates) {
    // TLS verified the certificate against transport.tls.clientCaFile; a bearer credential,
    // when sent as well, takes precedence.
    metrics_->authenticated(auth_metrics::credential::certificate);
    return check_scopes(principal{std::string(certificate_issuer),
                                  std::string(client_subject),
                                  {},
                                  current_rules()->certificate_scopes,
                                  0},
                        what);
  }
  auto token = read_bearer(authorization);
  if (!token) {
    if (token.error() == credential_fault::missing) {
      return deny(401, {}, {}, "missing", what);
    }
    return deny(401, "invalid_token", "expected 'Authorization: Bearer <token>'", "malformed",
                what);
  }
  auto current = current_rules();
  if (auto key = current->keys.size() > 0 ? current->keys.find(*token) : std::nullopt) {
    metrics_->authenticated(auth_metrics::credential::api_key);
    return check_scopes(std::move(*key), what);
  }
  if (options_.mode == auth_mode::api_keys) {
    return deny(401, "invalid_token", "unknown API key", "unknown_key", what);
  }
  return std::nullopt;  // A token to verify.
}

void gate::authenticate(const std::string* authorization, std::string_view query,
                        std::string_view client_subject, std::string what,
                        std::function<void(auth_outcome)> done) const {
  if (auto now = authenticate_now(authorization, query, client_subject, what)) {
    return done(std::move(*now));
  }
  auto token = read_bearer(authorization);
  verify(std::string(*token), std::move(what), std::move(done), false);
}

void gate::verify(std::string token, std::string what, std::function<void(auth_outcome)> done,
                  bool refetched) const {
  auto snapshot = cache_->current();
  auto now = static_cast<int64_t>(std::time(nullptr));
  if (auto known = verified_->find(token, snapshot, now, options_.expect.leeway_seconds)) {
    metrics_->authenticated(auth_metrics::credential::jwt);
    return done(check_scopes(std::move(*known), what));
  }
  auto result = verify_jwt(token, snapshot->keys, options_.expect, now);
  if (result) {
    metrics_->authenticated(auth_metrics::credential::jwt);
    auto& t = result.value();
    principal who{std::move(t.issuer), std::move(t.subject), std::move(t.client_id),
                  std::move(t.scopes), t.expires_at};
    verified_->store(token, snapshot, who);
    return done(check_scopes(std::move(who), what));
  }
  auto fault = result.error().fault;
  bool key_trouble = fault == token_fault::unknown_key || fault == token_fault::signature;
  if (key_trouble && !refetched && keys_actor_) {
    // The issuer may have rotated its keys: fetch once (rate-limited), then try again.
    caf::anon_send(*keys_actor_,
                   keys_wanted{[this, token = std::move(token), what = std::move(what),
                                done = std::move(done)]() mutable {
                     verify(std::move(token), std::move(what), std::move(done), true);
                   }});
    return;
  }
  if (key_trouble && !snapshot->ever_fetched) {
    auto d = deny(503, {}, {}, "keys_unavailable", what);
    return done(std::move(d));
  }
  if (fault == token_fault::malformed && introspector_) {
    return introspect(std::move(token), std::move(what), std::move(done), false);
  }
  log::debug("auth token refused detail=\"" + result.error().detail + "\"");
  done(deny(401, "invalid_token", describe(fault), std::string(to_string(fault)), what));
}

void gate::introspect(std::string token, std::string what, std::function<void(auth_outcome)> done,
                      bool waited) const {
  auto snapshot = cache_->current();
  if (snapshot->introspection_endpoint.empty()) {
    if (!snapshot->ever_fetched && !waited && keys_actor_) {
      // The metadata naming the endpoint is still on its way: wait for that fetch.
      caf::anon_send(*keys_actor_,
                     keys_wanted{[this, token = std::move(token), what = std::move(what),
                                  done = std::move(done)]() mutable {
                       introspect(std::move(token), std::move(what), std::move(done), true);
                     }});
      return;
    }
    if (!snapshot->ever_fetched) {
      return done(deny(503, {}, {}, "keys_unavailable", what));
    }
    return done(deny(401, "invalid_token",
                     "the access token is not a JWT, and the issuer offers no introspection",
                     "malformed", what));
  }
  introspector_->check(
      token, snapshot->introspection_endpoint,
      [this, what = std::move(what), done = std::move(done)](introspection_result r) {
        if (r.how != introspection_result::status::answered) {
          bool busy = r.how == introspection_result::status::busy;
          return done(
              deny(503, {}, {}, busy ? "introspection_busy" : "introspection_unavailable", what));
        }
        if (!r.token) {
          auto fault = r.token.error().fault;
          log::debug("auth token refused detail=\"" + r.token.error().detail + "\"");
          return done(
              deny(401, "invalid_token", describe(fault), std::string(to_string(fault)), what));
        }
        metrics_->authenticated(auth_metrics::credential::opaque);
        auto& t = r.token.value();
        done(check_scopes(
            principal{t.issuer, t.subject, t.client_id, std::move(t.scopes), t.expires_at}, what));
      });
}

auth_denial gate::insufficient_scope(std::vector<std::string> needed, std::string_view what,
                                     const principal& who) const {
  auto d = deny(403, "insufficient_scope", "this request needs the scopes named here",
                "insufficient_scope", what, &who);
  d.challenge.scopes = std::move(needed);
  return d;
}

std::shared_ptr<const gate::rules> gate::current_rules() const {
  std::lock_guard<std::mutex> g(rules_mutex_);
  return rules_;
}

std::string gate::replace_rules(const gate_options& next) {
  auto keys = api_key_set::make(next.api_keys);
  if (!keys) {
    return "auth.apiKeys: " + keys.error();
  }
  if (options_.mode == auth_mode::api_keys && keys.value().size() == 0 && !options_.certificates) {
    return "auth.mode apiKeys needs at least one entry in auth.apiKeys";
  }
  // The metadata's scopes_supported follows the scopes (the resource and issuer need a restart).
  auto published = options_;
  published.required_scopes = next.required_scopes;
  published.scopes_supported = next.scopes_supported;
  auto fresh =
      std::make_shared<const rules>(rules{std::move(keys.value()), next.required_scopes,
                                          next.certificate_scopes, metadata_document(published)});
  std::lock_guard<std::mutex> g(rules_mutex_);
  rules_ = std::move(fresh);
  return {};
}

auth_outcome gate::check_scopes(principal who, std::string_view what) const {
  if (!missing_scopes(who.scopes, current_rules()->required_scopes).empty()) {
    return deny(403, "insufficient_scope", "this server needs the scopes named here",
                "insufficient_scope", what, &who);
  }
  return who;
}

http_response gate::denial_response(const auth_denial& d) const {
  if (d.status == 503) {
    auto r = error_response(503, make_error(rpc_code::internal_error,
                                            "Service Unavailable: the authorization server's "
                                            "keys could not be fetched yet"));
    r.headers.emplace_back("Retry-After", "5");
    return r;
  }
  std::string message =
      d.status == 403
          ? "Forbidden: insufficient scope (" + join_scopes(d.challenge.scopes) + ")"
          : "Unauthorized: " + (d.challenge.description.empty() ? std::string("a bearer token "
                                                                              "is required")
                                                                : d.challenge.description);
  auto r = error_response(d.status, make_error(rpc_code::legacy_bad_request, std::move(message)));
  r.headers.emplace_back("WWW-Authenticate", write_challenge(d.challenge));
  return r;
}

bool gate::is_metadata_path(std::string_view path) const {
  // Only an oauth gate has metadata to publish (API keys name no authorization server).
  return !metadata_path_.empty() &&
         (path == metadata_path_ || path == well_known || path == std::string(well_known) + "/mcp");
}

http_response gate::metadata_response(std::string_view method) const {
  http_headers cors{{"Access-Control-Allow-Origin", "*"},
                    {"Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"},
                    {"Access-Control-Allow-Headers", "*"},
                    {"Cache-Control", "max-age=300"}};
  if (method == "OPTIONS") {
    return {204, {}, {}, std::move(cors)};
  }
  if (method != "GET" && method != "HEAD") {
    cors.emplace_back("Allow", "GET, HEAD, OPTIONS");
    return {405, "text/plain", "Method Not Allowed\n", std::move(cors)};
  }
  return {200, "application/json", method == "HEAD" ? std::string() : current_rules()->metadata,
          std::move(cors)};
}

}  // namespace mcprt::actors::identity
