// The issuer's key actor and the gate, with real actors and a fetcher that serves documents
// from memory and counts what it was asked: discovery, rate-limited refetch on an unknown key,
// stale keys while the issuer is down, and the gate's answers (principal, 401, 403, 503).
#include <prometheus/registry.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>
#include <catch2/catch.hpp>
#include <ctime>
#include <future>
#include <map>
#include <mutex>

#include "actors/identity/gate.hpp"
#include "actors/identity/issuer_keys.hpp"
#include "actors/identity/issuer_metadata.hpp"
#include "support/token_issuer.hpp"

using namespace mcprt;
using namespace mcprt::actors::identity;
using mcprt::test::token_issuer;

namespace {

const std::string issuer = "https://as.example.com/tenant";
const std::string resource = "https://mcp.example.com/mcp";

// Serves `documents` by URL (anything else: 404); `down` makes every fetch fail.
class memory_fetcher final : public http_fetcher {
 public:
  void fetch(fetch_request req, std::function<void(fetch_result)> done) override {
    std::unique_lock lock(m);
    ++asked[req.url];
    if (down) {
      lock.unlock();
      return done(std::string("connection refused"));
    }
    auto it = documents.find(req.url);
    fetch_response r{it == documents.end() ? 404u : 200u, "application/json",
                     it == documents.end() ? std::string() : it->second};
    lock.unlock();
    done(std::move(r));
  }
  int count(const std::string& url) {
    std::lock_guard lock(m);
    return asked[url];
  }
  void set(const std::string& url, std::string body) {
    std::lock_guard lock(m);
    documents[url] = std::move(body);
  }
  std::mutex m;
  std::map<std::string, std::string> documents;
  std::map<std::string, int> asked;
  bool down = false;
};

std::string metadata(const std::string& iss = issuer) {
  return R"({"issuer":")" + iss +
         R"(","jwks_uri":"https://as.example.com/tenant/jwks","introspection_endpoint":)"
         R"("https://as.example.com/tenant/introspect"})";
}

const std::string oauth_url =
    "https://as.example.com/.well-known/oauth-authorization-server/tenant";
const std::string oidc_url = "https://as.example.com/tenant/.well-known/openid-configuration";
const std::string jwks_url = "https://as.example.com/tenant/jwks";

struct fixture {
  // Before the actor system, so it outlives the actors: a key actor still finishing a fetch
  // when a section ends counts it in this registry while the system shuts down.
  prometheus::Registry registry;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::shared_ptr<memory_fetcher> fetcher = std::make_shared<memory_fetcher>();
  std::shared_ptr<key_cache> cache = std::make_shared<key_cache>();

  issuer_keys_actor spawn(std::chrono::seconds min_refetch) {
    issuer_options o;
    o.issuer = issuer;
    o.min_refetch = min_refetch;
    return spawn_issuer_keys(sys, o, cache, fetcher, std::make_shared<auth_metrics>(registry));
  }
  // Asks for keys and waits until the actor answers (after a fetch, or at once if limited).
  static void want(const issuer_keys_actor& keys) {
    std::promise<void> done;
    caf::anon_send(keys, keys_wanted{[&done] { done.set_value(); }});
    done.get_future().wait();
  }
};

std::string claims(int64_t exp_offset = 600, const std::string& scope = "mcp:tools") {
  auto now = static_cast<int64_t>(std::time(nullptr));
  return R"({"iss":")" + issuer + R"(","aud":")" + resource + R"(","sub":"alice","scope":")" +
         scope + R"(","exp":)" + std::to_string(now + exp_offset) + "}";
}

auth_outcome authenticate(const gate& g, const std::string* header, const std::string& query = {},
                          const std::string& client_subject = {}) {
  std::promise<auth_outcome> out;
  g.authenticate(header, query, client_subject, "POST /mcp",
                 [&out](auth_outcome o) { out.set_value(std::move(o)); });
  return out.get_future().get();
}

}  // namespace

TEST_CASE("metadata URLs follow RFC 8414, then OpenID discovery", "[identity]") {
  CHECK(metadata_urls(issuer) == std::vector<std::string>{oauth_url, oidc_url});
  CHECK(metadata_urls("https://as.example.com/")[0] ==
        "https://as.example.com/.well-known/oauth-authorization-server");
  CHECK(read_issuer_metadata(metadata(), issuer)->jwks_uri == jwks_url);
  CHECK(
      read_issuer_metadata(metadata("https://evil.example"), issuer).error().find("names issuer") !=
      std::string::npos);
  CHECK_FALSE(read_issuer_metadata(
      R"({"issuer":"https://as.example.com/tenant","jwks_uri":"http://as.example.com/k"})",
      issuer));
  CHECK(fetchable("http://127.0.0.1:4000/jwks"));
  CHECK_FALSE(fetchable("http://as.example.com/jwks"));
}

TEST_CASE("keys: discovered, refetched at most once per interval, kept while the issuer is down",
          "[identity][caf]") {
  fixture f;
  token_issuer k1("ES256", "k1");
  f.fetcher->set(oidc_url, metadata());  // Only OpenID discovery answers: the fallback is used.
  f.fetcher->set(jwks_url, k1.jwks());
  SECTION("rate-limited") {
    auto keys = f.spawn(std::chrono::hours(1));
    fixture::want(keys);  // Waits for the first fetch, in flight since the start.
    CHECK(f.fetcher->count(oauth_url) == 1);
    CHECK(f.fetcher->count(jwks_url) == 1);
    auto snap = f.cache->current();
    CHECK(snap->ever_fetched);
    CHECK(snap->keys.find("k1") != nullptr);
    CHECK(snap->introspection_endpoint == "https://as.example.com/tenant/introspect");
    for (int i = 0; i < 20; ++i) {
      fixture::want(keys);  // A flood of unknown kids: answered at once, nothing fetched.
    }
    CHECK(f.fetcher->count(jwks_url) == 1);
    caf::anon_send_exit(keys, caf::exit_reason::user_shutdown);
  }
  SECTION("refetch, then stale while down") {
    auto keys = f.spawn(std::chrono::seconds(0));
    fixture::want(keys);
    token_issuer k2("RS256", "k2");
    f.fetcher->set(jwks_url, k2.jwks(k1.jwk()));
    fixture::want(keys);
    CHECK(f.cache->current()->keys.find("k2") != nullptr);
    f.fetcher->down = true;
    fixture::want(keys);
    auto snap = f.cache->current();
    CHECK_FALSE(snap->reachable);
    CHECK(snap->keys.find("k2") != nullptr);
    CHECK(snap->keys.find("k1") != nullptr);
    caf::anon_send_exit(keys, caf::exit_reason::user_shutdown);
  }
}

TEST_CASE("the gate: principal, 401, 403, 503 and the metadata document", "[identity][caf]") {
  fixture f;
  token_issuer k1("EdDSA", "k1");
  gate_options o;
  o.mode = auth_mode::oauth;
  o.expect.issuer = issuer;
  o.expect.resource = resource;
  o.required_scopes = {"mcp:tools"};
  o.jwks_min_refetch = std::chrono::seconds(0);
  o.api_keys = {{"ci", sha256_hex("ci-key"), {"mcp"}}};
  SECTION("issuer reachable") {
    f.fetcher->set(oauth_url, metadata());
    f.fetcher->set(jwks_url, k1.jwks());
    auto g = gate::make(o, f.sys, f.fetcher, f.registry).value();
    auto header = "Bearer " + k1.sign(claims());
    auto who = authenticate(*g, &header);
    REQUIRE(who);
    CHECK(who->owner() == issuer + "\nalice");
    auto key = std::string("Bearer ci-key");
    CHECK(authenticate(*g, &key)->subject == "ci");  // "mcp" covers "mcp:tools".
    auto narrow = "Bearer " + k1.sign(claims(600, "mcp:read"));
    auto denied = authenticate(*g, &narrow);
    REQUIRE_FALSE(denied);
    CHECK(denied.error().status == 403);
    CHECK(g->denial_response(denied.error())
              .headers.back()
              .second.find(R"(error="insufficient_scope")") != std::string::npos);
    auto expired = "Bearer " + k1.sign(claims(-3600));
    CHECK(authenticate(*g, &expired).error().reason == "expired");
    CHECK(authenticate(*g, nullptr).error().reason == "missing");
    CHECK(authenticate(*g, &header, "access_token=x").error().reason == "token_in_query");
    // A key the issuer publishes later is fetched when a token names it.
    token_issuer k2("ES256", "k2");
    f.fetcher->set(jwks_url, k2.jwks(k1.jwk()));
    auto rotated = "Bearer " + k2.sign(claims());
    CHECK(authenticate(*g, &rotated));
    CHECK(g->is_metadata_path("/.well-known/oauth-protected-resource/mcp"));
    CHECK(g->is_metadata_path("/.well-known/oauth-protected-resource"));
    auto doc = g->metadata_response("GET");
    CHECK(doc.body.find(R"("resource":"https://mcp.example.com/mcp")") != std::string::npos);
    CHECK(doc.body.find(R"("authorization_servers":["https://as.example.com/tenant"])") !=
          std::string::npos);
  }
  SECTION("issuer never reached: 503, not a misleading 401") {
    f.fetcher->down = true;
    auto g = gate::make(o, f.sys, f.fetcher, f.registry).value();
    auto header = "Bearer " + k1.sign(claims());
    CHECK(authenticate(*g, &header).error().status == 503);
  }
  SECTION("client certificates, when enabled, stand in for a bearer credential") {
    f.fetcher->set(oauth_url, metadata());
    f.fetcher->set(jwks_url, k1.jwks());
    auto g = gate::make(o, f.sys, f.fetcher, f.registry).value();
    CHECK(authenticate(*g, nullptr, {}, "CN=robot").error().reason == "missing");
    auto with = o;
    with.certificates = true;
    with.certificate_scopes = {"mcp:tools"};
    g = gate::make(with, f.sys, f.fetcher, f.registry).value();
    auto robot = authenticate(*g, nullptr, {}, "CN=robot,O=Example");
    REQUIRE(robot);
    CHECK(robot->owner() == "x509\nCN=robot,O=Example");
    CHECK(robot->scopes == std::vector<std::string>{"mcp:tools"});
    auto key = std::string("Bearer ci-key");
    CHECK(authenticate(*g, &key, {}, "CN=robot")->subject == "ci");  // The bearer wins.
    with.certificate_scopes = {"mcp:read"};
    g = gate::make(with, f.sys, f.fetcher, f.registry).value();
    CHECK(authenticate(*g, nullptr, {}, "CN=robot").error().status == 403);
    with.mode = auth_mode::api_keys;
    with.api_keys.clear();
    CHECK(gate::make(with, f.sys, f.fetcher, f.registry));
  }
  SECTION("opaque tokens are introspected, and the answer remembered until exp") {
    const std::string introspect_url = "https://as.example.com/tenant/introspect";
    f.fetcher->set(oauth_url, metadata());
    f.fetcher->set(jwks_url, k1.jwks());
    auto now = static_cast<int64_t>(std::time(nullptr));
    f.fetcher->set(introspect_url, R"({"active":true,"client_id":"agent","scope":"mcp:tools",)"
                                   R"("aud":")" +
                                       resource + R"(","exp":)" + std::to_string(now + 600) + "}");
    auto opaque = std::string("Bearer 0paque-T0ken_value");
    auto without = gate::make(o, f.sys, f.fetcher, f.registry).value();
    CHECK(authenticate(*without, &opaque).error().reason == "malformed");
    CHECK(f.fetcher->count(introspect_url) == 0);
    auto with = o;
    with.introspection_client_id = "mcprt";
    with.introspection_client_secret = "secret";
    auto g = gate::make(with, f.sys, f.fetcher, f.registry).value();
    auto who = authenticate(*g, &opaque);
    REQUIRE(who);
    CHECK(who->owner() == issuer + "\nagent");
    CHECK(authenticate(*g, &opaque));
    CHECK(f.fetcher->count(introspect_url) == 1);  // Remembered.
    f.fetcher->set(introspect_url, R"({"active":false})");
    auto revoked = std::string("Bearer another-0paque");
    CHECK(authenticate(*g, &revoked).error().reason == "inactive");
    CHECK(authenticate(*g, &revoked).error().reason == "inactive");
    CHECK(f.fetcher->count(introspect_url) == 2);  // The refusal is remembered too.
    f.fetcher->down = true;
    auto unknown = std::string("Bearer third-0paque");
    CHECK(authenticate(*g, &unknown).error().status == 503);
  }
  SECTION("configuration errors") {
    auto bad = o;
    bad.expect.issuer = "http://as.example.com";
    CHECK(gate::make(bad, f.sys, f.fetcher, f.registry).error().find("auth.issuer") !=
          std::string::npos);
    bad = o;
    bad.expect.resource = "mcp.example.com/mcp";
    CHECK(gate::make(bad, f.sys, f.fetcher, f.registry).error().find("auth.resource") !=
          std::string::npos);
    bad = o;
    bad.mode = auth_mode::api_keys;
    bad.api_keys.clear();
    CHECK(gate::make(bad, f.sys, f.fetcher, f.registry).error().find("auth.apiKeys") !=
          std::string::npos);
  }
}

TEST_CASE("verified tokens are remembered until exp and while the keys stay", "[identity]") {
  token_cache cache(2);
  auto keys = std::make_shared<const issuer_snapshot>();
  principal t{issuer, "alice", "c", {"mcp"}, 1000};
  cache.store("tok", keys, t);
  CHECK(cache.find("tok", keys, 990, 0)->subject == "alice");
  CHECK(cache.find("tok", keys, 1030, 60));        // Within the leeway.
  CHECK_FALSE(cache.find("tok", keys, 1061, 60));  // Past exp and leeway.
  CHECK_FALSE(cache.find("tok", std::make_shared<const issuer_snapshot>(), 990, 0));  // New keys.
  CHECK_FALSE(cache.find("other", keys, 990, 0));
  cache.store("b", keys, t);
  cache.store("c", keys, t);  // Full: forgets the rest.
  CHECK_FALSE(cache.find("tok", keys, 990, 0));
  CHECK(cache.find("c", keys, 990, 0));
  token_cache off(0);
  off.store("tok", keys, t);
  CHECK_FALSE(off.find("tok", keys, 990, 0));
}
