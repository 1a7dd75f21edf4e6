// libFuzzer target for what a hostile client or a hostile authorization server can hand the
// identity code as text: the Authorization header (line 1), a query string (line 2), a URL
// (line 3, as an issuer), and an authorization server's metadata document and introspection
// answer (the rest, read as both). Nothing
// may crash, hang or leak; a bearer token read is a non-empty token68; a challenge written
// from the input's scopes keeps its quotes balanced.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "actors/identity/issuer_metadata.hpp"
#include "runtime/auth/bearer.hpp"
#include "runtime/auth/introspection.hpp"
#include "runtime/auth/scopes.hpp"
#include "runtime/codec/url.hpp"

namespace {

std::string_view take_line(std::string_view& rest) {
  auto newline = rest.find('\n');
  auto line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mcprt;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string header(take_line(rest));
  auto query = take_line(rest);
  auto url_text = take_line(rest);

  if (auto token = read_bearer(&header)) {
    if (token->empty() || token->find(' ') != std::string_view::npos) {
      __builtin_trap();  // A token must be one non-empty token68.
    }
  }
  (void)query_carries_token(query);

  auto scopes = split_scopes(header);
  auto challenge =
      write_challenge({std::string(url_text), scopes, "insufficient_scope", std::string(query)});
  size_t quotes = 0;
  for (char c : challenge) {
    quotes += c == '"' ? 1 : 0;
  }
  if (quotes % 2 != 0) {
    __builtin_trap();  // A value broke out of its quoted-string.
  }
  (void)missing_scopes(scopes, split_scopes(query));

  if (auto url = parse_http_url(url_text)) {
    (void)url->origin();
    (void)url->is_loopback();
    (void)actors::identity::metadata_urls(std::string(url_text));
  }
  (void)actors::identity::read_issuer_metadata(rest, std::string(url_text));
  token_expectations expect{std::string(url_text), "https://mcp.example.com/mcp", 60, {}};
  if (auto token = read_introspection(rest, expect, 1700000000)) {
    if (token->subject.empty() || token->issuer != expect.issuer) {
      __builtin_trap();  // An accepted token names its caller and our issuer.
    }
  }
  (void)introspection_form(header);
  (void)basic_authorization(header, query);
  return 0;
}
