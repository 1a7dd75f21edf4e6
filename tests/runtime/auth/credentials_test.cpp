// The bearer credential as HTTP carries it, the challenge that answers it, scope hierarchies,
// and API keys stored as digests.
#include <catch2/catch.hpp>

#include "runtime/auth/api_keys.hpp"
#include "runtime/auth/bearer.hpp"
#include "runtime/auth/scope_policy.hpp"
#include "runtime/auth/scopes.hpp"

using namespace mcprt;

TEST_CASE("the bearer token is read from the Authorization header only", "[auth]") {
  std::string good = "Bearer abc.DEF-_~+/x==";
  CHECK(read_bearer(&good).value() == "abc.DEF-_~+/x==");
  std::string lower = "bearer   tok  ";
  CHECK(read_bearer(&lower).value() == "tok");
  CHECK(read_bearer(nullptr).error() == credential_fault::missing);
  for (const std::string& bad : std::vector<std::string>{
           "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", "Bearer a=b", "Bearertok",
           "Bearer tok\"", "Bearer " + std::string(size_t{17} * 1024, 'a')}) {
    INFO(bad.substr(0, 40));
    CHECK(read_bearer(&bad).error() == credential_fault::malformed);
  }
  CHECK(query_carries_token("access_token=x"));
  CHECK(query_carries_token("a=1&access_token"));
  CHECK_FALSE(query_carries_token("sessionId=1&my_access_token=2"));
  CHECK_FALSE(query_carries_token(""));
}

TEST_CASE("a challenge names the error, every scope needed and the metadata", "[auth]") {
  bearer_challenge c{"https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
                     {"files:read", "files:write", "files:read"},
                     "insufficient_scope",
                     "needs \"write\"\n"};
  CHECK(write_challenge(c) ==
        R"(Bearer error="insufficient_scope", error_description="needs write", )"
        R"(scope="files:read files:write", )"
        R"(resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp")");
  // No credential was sent: no error parameter (RFC 6750 §3.1).
  CHECK(write_challenge({"https://m/x", {}, {}, {}}) ==
        R"(Bearer resource_metadata="https://m/x")");
}

TEST_CASE("a broader scope covers the narrower ones under it", "[auth]") {
  CHECK(scope_covers("files", "files:read"));
  CHECK(scope_covers("files:read", "files:read:logs"));
  CHECK(scope_covers("files:read", "files:read"));
  CHECK_FALSE(scope_covers("files:read", "files"));
  CHECK_FALSE(scope_covers("file", "files:read"));
  CHECK_FALSE(scope_covers("", "files"));
  CHECK(missing_scopes({"files"}, {"files:read", "admin", "admin"}) ==
        std::vector<std::string>{"admin"});
  CHECK(split_scopes("  a b  c ") == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("API keys are found by digest and carry their principal", "[auth]") {
  auto set = api_key_set::make(
      {{"ci", sha256_hex("k-ci"), {"mcp:tools"}}, {"ops", sha256_hex("k-ops"), {"mcp"}}});
  REQUIRE(set);
  auto who = set->find("k-ops");
  REQUIRE(who);
  CHECK(who->subject == "ops");
  CHECK(who->scopes == std::vector<std::string>{"mcp"});
  CHECK(who->owner() == "api-key\nops");
  CHECK_FALSE(set->find("k-other"));
  CHECK_FALSE(set->find(""));
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(api_key_set::make({{"x", "abc", {}}}).error().find("64 hex digits") != std::string::npos);
  CHECK(api_key_set::make({{"", sha256_hex("a"), {}}}).error().find("name") != std::string::npos);
  CHECK(api_key_set::make({{"a", sha256_hex("k"), {}}, {"b", sha256_hex("k"), {}}})
            .error()
            .find("same digest") != std::string::npos);
}

TEST_CASE("a request needs every scope of its method, tool and resource prefixes", "[auth]") {
  scope_policy p{{"mcp"},
                 {{"tools/call", {"mcp:tools"}}},
                 {{"delete", {"files:write"}}},
                 {{"file:///", {"files:read"}}, {"file:///secret/", {"files:admin"}}}};
  CHECK(p.needed("tools/call", "delete") ==
        std::vector<std::string>{"mcp", "mcp:tools", "files:write"});
  CHECK(p.needed("tools/call", "echo") == std::vector<std::string>{"mcp", "mcp:tools"});
  CHECK(p.needed("resources/read", "file:///secret/x") ==
        std::vector<std::string>{"mcp", "files:read", "files:admin"});
  CHECK(p.needed("prompts/get", "file:///secret/x") == std::vector<std::string>{"mcp"});
  principal reader{"https://as", "bob", {}, {"mcp", "files:read"}, 0};
  CHECK(p.allows(reader, "resources/read", "file:///a"));
  CHECK_FALSE(p.allows(reader, "resources/read", "file:///secret/a"));
  CHECK(p.allows(reader, "tools/call", "echo"));  // "mcp" covers "mcp:tools".
  CHECK_FALSE(p.allows(reader, "tools/call", "delete"));
  CHECK(p.allows(principal{}, "tools/call", "delete"));  // No authentication: no policy.
}

TEST_CASE("without metadata (API keys) the challenge is bare or names only the error", "[auth]") {
  CHECK(write_challenge({{}, {}, {}, {}}) == "Bearer");
  CHECK(write_challenge({{}, {"mcp"}, "invalid_token", {}}) ==
        R"(Bearer error="invalid_token", scope="mcp")");
}
