#include "runtime/auth/token_claims.hpp"

#include <cmath>
#include <string>
#include <string_view>

#include "runtime/codec/json.hpp"

namespace mcprt {
inline namespace auth {

namespace {

token_error fault(token_fault f, std::string detail) {
  return {f, std::move(detail)};
}

// The resource, allowing only a trailing-slash difference (as the Go SDK does).
bool names_resource(std::string_view aud, const std::string& resource) {
  if (aud == resource) {
    return true;
  }
  auto strip = [](std::string_view s) {
    return !s.empty() && s.back() == '/' ? s.substr(0, s.size() - 1) : s;
  };
  return strip(aud) == strip(resource);
}

std::optional<int64_t> seconds(const rapidjson::Value& claims, const char* name) {
  auto* v = find_member(claims, name);
  // Outside ±2^62 s the cast would be undefined; no real token dates that far.
  constexpr double limit = 4.6e18;
  if (v == nullptr || !v->IsNumber() || !std::isfinite(v->GetDouble()) ||
      std::fabs(v->GetDouble()) > limit) {
    return std::nullopt;
  }
  return static_cast<int64_t>(v->GetDouble());
}

}  // namespace

expected<verified_token, token_error> read_token_claims(const rapidjson::Value& claims,
                                                        const token_expectations& expect,
                                                        int64_t now, issuer_claim issuer) {
  verified_token out;
  auto iss = string_member(claims, "iss");
  out.issuer = iss ? std::string(*iss) : std::string();
  if (!iss && issuer == issuer_claim::optional) {
    out.issuer = expect.issuer;
  }
  if (out.issuer != expect.issuer) {
    return fault(token_fault::issuer, "iss '" + out.issuer + "'");
  }
  bool audience = false;
  if (auto* aud = find_member(claims, "aud"); aud != nullptr && aud->IsString()) {
    audience = names_resource(aud->GetString(), expect.resource);
  } else if (aud != nullptr && aud->IsArray()) {
    for (const auto& a : aud->GetArray()) {
      audience = audience || (a.IsString() && names_resource(a.GetString(), expect.resource));
    }
  }
  if (!audience) {
    return fault(token_fault::audience, "aud does not name " + expect.resource);
  }
  auto exp = seconds(claims, "exp");
  if (!exp) {
    return fault(token_fault::expired, "no exp");
  }
  if (now > *exp + expect.leeway_seconds) {
    return fault(token_fault::expired, "expired " + std::to_string(now - *exp) + " s ago");
  }
  if (auto nbf = seconds(claims, "nbf"); nbf && now + expect.leeway_seconds < *nbf) {
    return fault(token_fault::not_yet_valid, "valid in " + std::to_string(*nbf - now) + " s");
  }
  out.expires_at = *exp;
  out.client_id = std::string(
      string_member(claims, "client_id").value_or(string_member(claims, "azp").value_or("")));
  // Who is calling: `sub`, or for a client acting for itself (client credentials; an
  // introspection answer may leave `sub` out) its client_id. A token naming nobody could
  // not be told apart from any other such token, so nothing could be bound to it.
  out.subject = std::string(string_member(claims, "sub").value_or(out.client_id));
  if (out.subject.empty()) {
    return fault(token_fault::malformed, "neither sub nor client_id names the caller");
  }
  if (auto scope = string_member(claims, "scope")) {
    std::string_view rest = *scope;
    while (!rest.empty()) {
      auto space = rest.find(' ');
      auto word = rest.substr(0, space);
      if (!word.empty()) {
        out.scopes.emplace_back(word);
      }
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
  } else if (auto* scp = find_member(claims, "scp"); scp != nullptr && scp->IsArray()) {
    for (const auto& s : scp->GetArray()) {
      if (s.IsString()) {
        out.scopes.emplace_back(s.GetString(), s.GetStringLength());
      }
    }
  }
  return out;
}

}  // namespace auth
}  // namespace mcprt
