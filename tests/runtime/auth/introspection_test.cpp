// RFC 7662, the resource server's side: the request it sends and what it accepts back.
#include "runtime/auth/introspection.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace mcprt;

namespace {

const token_expectations expect{"https://as.example.com", "https://mcp.example.com/mcp", 30, {}};
constexpr int64_t now = 1700000000;

std::string answer(const std::string& extra) {
  return R"({"active":true,"aud":"https://mcp.example.com/mcp","exp":1700000600)" + extra + "}";
}

}  // namespace

TEST_CASE("the introspection request form-encodes the token and the client",
          "[runtime][auth][introspection]") {
  CHECK(introspection_form("a+b/c=") == "token=a%2Bb%2Fc%3D&token_type_hint=access_token");
  // RFC 6749 §2.3.1: "mcprt rs" and "s3:cret" are form-encoded before base64.
  CHECK(basic_authorization("mcprt rs", "s3:cret") == "Basic bWNwcnQlMjByczpzMyUzQWNyZXQ=");
}

TEST_CASE("an active answer is read like a token's claims", "[runtime][auth][introspection]") {
  auto t = read_introspection(answer(R"(,"sub":"alice","client_id":"agent","scope":"mcp:tools a")"),
                              expect, now);
  REQUIRE(t);
  CHECK(t->issuer == "https://as.example.com");  // Absent iss: the issuer that was asked.
  CHECK(t->subject == "alice");
  CHECK(t->client_id == "agent");
  CHECK(t->scopes == std::vector<std::string>{"mcp:tools", "a"});
  CHECK(t->expires_at == 1700000600);
  // A client acting for itself: its client_id is the subject.
  CHECK(read_introspection(answer(R"(,"client_id":"agent")"), expect, now)->subject == "agent");
}

TEST_CASE("inactive, foreign or nameless answers are refused", "[runtime][auth][introspection]") {
  CHECK(read_introspection(R"({"active":false})", expect, now).error().fault ==
        token_fault::inactive);
  CHECK(read_introspection(R"({"active":"true","sub":"a"})", expect, now).error().fault ==
        token_fault::inactive);
  CHECK(read_introspection("not json", expect, now).error().fault == token_fault::malformed);
  CHECK(read_introspection(answer(R"(,"sub":"a","iss":"https://evil.example")"), expect, now)
            .error()
            .fault == token_fault::issuer);
  CHECK(read_introspection(
            R"({"active":true,"aud":"https://other.example/mcp","exp":1700000600,"sub":"a"})",
            expect, now)
            .error()
            .fault == token_fault::audience);
  CHECK(read_introspection(R"({"active":true,"aud":"https://mcp.example.com/mcp","sub":"a"})",
                           expect, now)
            .error()
            .fault == token_fault::expired);
  CHECK(read_introspection(answer(""), expect, now).error().fault == token_fault::malformed);
}
