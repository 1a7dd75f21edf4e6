// libFuzzer target for the credential parsers: the input's first line is read as a JWKS
// document, the rest as a bearer token verified against it (and against a fixed key set
// holding one key of each family). Nothing may crash, hang or leak; a token is accepted only
// by a key of its set.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/auth/jwt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mcprt;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto newline = input.find('\n');
  auto jwks = input.substr(0, newline);
  auto token = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  token_expectations expect;
  expect.issuer = "https://as.example.com";
  expect.resource = "https://mcp.example.com/mcp";
  expect.type = "at+jwt";
  auto keys = parse_jwks(jwks);
  if (keys) {
    auto verified = verify_jwt(token, *keys, expect, 1'800'000'000);
    if (verified && keys->find(verified->key_id) == nullptr) {
      __builtin_trap();  // Accepted by a key the set does not hold.
    }
  }
  (void)verify_jwt(token, jwk_set{}, expect, 1'800'000'000);
  return 0;
}
