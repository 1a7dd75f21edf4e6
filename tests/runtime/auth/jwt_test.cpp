// JWT verification against keys made and tokens signed at test time: each allowed algorithm
// verifies; every forgery and every claim the resource server must check is refused with its
// own fault.
#include "runtime/auth/jwt.hpp"

#include <catch2/catch.hpp>

#include "support/token_issuer.hpp"

using namespace mcprt;
using mcprt::test::token_issuer;

namespace {

constexpr int64_t now = 1'800'000'000;
const std::string issuer = "https://as.example.com";
const std::string resource = "https://mcp.example.com/mcp";

token_expectations expect() {
  token_expectations e;
  e.issuer = issuer;
  e.resource = resource;
  e.leeway_seconds = 30;
  e.type = "at+jwt";
  return e;
}

std::string claims(const std::string& extra = {}, int64_t exp = now + 600) {
  return R"({"iss":")" + issuer + R"(","aud":")" + resource +
         R"(","sub":"alice","client_id":"c1",)" + R"("scope":"mcp:tools mcp:read","exp":)" +
         std::to_string(exp) + extra + "}";
}

jwk_set keys_of(const std::string& jwks) {
  auto set = parse_jwks(jwks);
  REQUIRE(set.has_value());
  return std::move(set).value();
}

token_fault fault_of(const std::string& token, const jwk_set& keys,
                     const token_expectations& e = expect()) {
  auto r = verify_jwt(token, keys, e, now);
  REQUIRE_FALSE(r.has_value());
  return r.error().fault;
}

}  // namespace

TEST_CASE("tokens of each allowed algorithm verify", "[runtime][auth][jwt]") {
  for (const char* alg : {"RS256", "PS256", "ES256", "EdDSA"}) {
    token_issuer as(alg, std::string("k-") + alg);
    auto keys = keys_of(as.jwks());
    auto r = verify_jwt(as.sign(claims()), keys, expect(), now);
    INFO(alg);
    REQUIRE(r.has_value());
    CHECK(r->issuer == issuer);
    CHECK(r->subject == "alice");
    CHECK(r->client_id == "c1");
    CHECK(r->scopes == std::vector<std::string>{"mcp:tools", "mcp:read"});
    CHECK(r->expires_at == now + 600);
    CHECK(r->key_id == std::string("k-") + alg);
  }
}

TEST_CASE("the key is chosen by kid and must fit the algorithm", "[runtime][auth][jwt]") {
  token_issuer rsa("RS256", "rsa-1");
  token_issuer ec("ES256", "ec-1");
  auto keys = keys_of(rsa.jwks(ec.jwk()));
  CHECK(verify_jwt(ec.sign(claims()), keys, expect(), now).has_value());
  // Another issuer's key under a kid the set does not hold.
  token_issuer stranger("RS256", "rsa-2");
  CHECK(fault_of(stranger.sign(claims()), keys) == token_fault::unknown_key);
  // An RSA key named by a token that says ES256.
  auto header = R"({"alg":"ES256","kid":"rsa-1","typ":"at+jwt"})";
  CHECK(fault_of(token_issuer::unsigned_token(header, claims(), std::string(64, 'x')), keys) ==
        token_fault::key_mismatch);
  // A same-kid key of the wrong material: the signature fails.
  token_issuer impostor("RS256", "rsa-1");
  CHECK(fault_of(impostor.sign(claims()), keys) == token_fault::signature);
}

TEST_CASE("forgeries are refused: none, HMAC with the public key, tampering",
          "[runtime][auth][jwt]") {
  token_issuer as("RS256", "k1");
  auto keys = keys_of(as.jwks());
  CHECK(fault_of(
            token_issuer::unsigned_token(R"({"alg":"none","kid":"k1","typ":"at+jwt"})", claims()),
            keys) == token_fault::algorithm);
  // HS256 "signed" with the public key's JWK as the secret: the algorithm is refused first.
  CHECK(fault_of(as.sign(claims(), "at+jwt", "HS256"), keys) == token_fault::algorithm);
  // A claim changed after signing.
  auto token = as.sign(claims());
  auto first = token.find('.');
  auto second = token.find('.', first + 1);
  auto forged = token.substr(0, first + 1) + base64url_encode(claims(R"(,"admin":true)")) +
                token.substr(second);
  CHECK(fault_of(forged, keys) == token_fault::signature);
  CHECK(fault_of("not.a.jwt", keys) == token_fault::malformed);
  CHECK(fault_of("onlyonepart", keys) == token_fault::malformed);
  CHECK(fault_of(token + ".extra", keys) == token_fault::malformed);
  CHECK(fault_of(std::string(20000, 'a'), keys) == token_fault::malformed);
}

TEST_CASE("the claims a resource server checks", "[runtime][auth][jwt]") {
  token_issuer as("ES256", "k1");
  auto keys = keys_of(as.jwks());
  auto wrong_iss = R"({"iss":"https://evil.example.com","aud":")" + resource + R"(","exp":)" +
                   std::to_string(now + 600) + "}";
  CHECK(fault_of(as.sign(wrong_iss), keys) == token_fault::issuer);
  auto wrong_aud = R"({"iss":")" + issuer + R"(","aud":"https://other.example.com/mcp","exp":)" +
                   std::to_string(now + 600) + "}";
  CHECK(fault_of(as.sign(wrong_aud), keys) == token_fault::audience);
  auto aud_list = R"({"iss":")" + issuer + R"(","sub":"a","aud":["x",")" + resource +
                  R"(/"],"exp":)" + std::to_string(now + 600) + "}";
  CHECK(verify_jwt(as.sign(aud_list), keys, expect(), now).has_value());  // Trailing slash.
  auto no_exp = R"({"iss":")" + issuer + R"(","aud":")" + resource + R"("})";
  CHECK(fault_of(as.sign(no_exp), keys) == token_fault::expired);
  CHECK(fault_of(as.sign(claims({}, now - 31)), keys) == token_fault::expired);
  // An exp no integer holds is no exp (and no undefined cast).
  auto huge_exp = R"({"iss":")" + issuer + R"(","aud":")" + resource + R"(","exp":1e300})";
  CHECK(fault_of(as.sign(huge_exp), keys) == token_fault::expired);
  CHECK(verify_jwt(as.sign(claims({}, now - 29)), keys, expect(), now).has_value());  // Leeway.
  CHECK(fault_of(as.sign(claims(",\"nbf\":" + std::to_string(now + 31))), keys) ==
        token_fault::not_yet_valid);
  CHECK(verify_jwt(as.sign(claims(",\"nbf\":" + std::to_string(now + 29))), keys, expect(), now)
            .has_value());
  CHECK(fault_of(as.sign(claims(), "JWT"), keys) == token_fault::type);
  CHECK(verify_jwt(as.sign(claims(), "application/at+jwt"), keys, expect(), now).has_value());
  auto any_type = expect();
  any_type.type.clear();
  CHECK(verify_jwt(as.sign(claims(), "JWT"), keys, any_type, now).has_value());
  auto scp = R"({"iss":")" + issuer + R"(","aud":")" + resource +
             R"(","client_id":"agent","scp":["a","b"],"exp":)" + std::to_string(now + 60) + "}";
  auto r = verify_jwt(as.sign(scp), keys, expect(), now);
  REQUIRE(r.has_value());
  CHECK(r->scopes == std::vector<std::string>{"a", "b"});
  CHECK(r->subject == "agent");  // No sub: the client acts for itself.
  // Naming nobody, a token could not be told from any other such token.
  auto nobody = R"({"iss":")" + issuer + R"(","aud":")" + resource + R"(","exp":)" +
                std::to_string(now + 60) + "}";
  CHECK(fault_of(as.sign(nobody), keys) == token_fault::malformed);
}

TEST_CASE("a key set keeps what mcprt can verify with and says what it skipped",
          "[runtime][auth][jwk]") {
  token_issuer small("RS256", "small", 1024);
  token_issuer ed("EdDSA", "ed");
  auto set = parse_jwks(R"({"keys":[)" + small.jwk() + "," + ed.jwk() +
                        R"(,{"kid":"enc","kty":"RSA","use":"enc","n":"AQAB","e":"AQAB"},)"
                        R"({"kid":"p384","kty":"EC","crv":"P-384","x":"AA","y":"AA"},)"
                        R"({"kid":"hmac","kty":"oct","k":"c2VjcmV0"},)"
                        R"({"kid":"bad","kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"},42]})");
  REQUIRE(set.has_value());
  REQUIRE(set->keys.size() == 1);
  CHECK(set->keys[0].kid == "ed");
  CHECK(set->skipped.size() == 6);
  CHECK(set->skipped[0].find("1024 bits") != std::string::npos);
  CHECK(set->find("ed") != nullptr);
  CHECK(set->find("") != nullptr);  // The only key answers for a token without kid.
  CHECK_FALSE(parse_jwks("[]").has_value());
  CHECK_FALSE(parse_jwks("{\"keys\":{}}").has_value());
  CHECK_FALSE(parse_jwks("not json").has_value());
}
