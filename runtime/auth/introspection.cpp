#include "runtime/auth/introspection.hpp"

#include "runtime/auth/token_claims.hpp"
#include "runtime/codec/base64.hpp"
#include "runtime/codec/json.hpp"
#include "runtime/codec/json_parse.hpp"

namespace mcprt {
inline namespace auth {

namespace {

// application/x-www-form-urlencoded: unreserved bytes as they are, the rest %XX.
std::string form_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string introspection_form(std::string_view token) {
  return "token=" + form_encode(token) + "&token_type_hint=access_token";
}

std::string basic_authorization(std::string_view client_id, std::string_view secret) {
  return "Basic " + base64_encode(form_encode(client_id) + ":" + form_encode(secret));
}

expected<verified_token, token_error> read_introspection(std::string_view body,
                                                         const token_expectations& expect,
                                                         int64_t now) {
  rapidjson::Document doc;
  if (parse_json(doc, body) || !doc.IsObject()) {
    return token_error{token_fault::malformed, "the introspection answer is not a JSON object"};
  }
  const auto* active = find_member(doc, "active");
  if (active == nullptr || !active->IsBool() || !active->GetBool()) {
    return token_error{token_fault::inactive, "the issuer says the token is not active"};
  }
  return read_token_claims(doc, expect, now, issuer_claim::optional);
}

}  // namespace auth
}  // namespace mcprt
