#include "actors/identity/issuer_metadata.hpp"

#include <rapidjson/document.h>

#include "runtime/codec/json.hpp"
#include "runtime/codec/json_parse.hpp"
#include "runtime/codec/url.hpp"

namespace mcprt::actors::identity {

std::vector<std::string> metadata_urls(const std::string& issuer) {
  auto url = parse_http_url(issuer);
  if (!url) {
    return {};
  }
  auto path = url->target == "/" ? std::string() : url->target;
  while (!path.empty() && path.back() == '/') {
    path.pop_back();
  }
  return {url->origin() + "/.well-known/oauth-authorization-server" + path,
          url->origin() + path + "/.well-known/openid-configuration"};
}

bool fetchable(std::string_view text) {
  auto url = parse_http_url(text);
  return url && (url->scheme == "https" || url->is_loopback());
}

expected<issuer_metadata, std::string> read_issuer_metadata(std::string_view body,
                                                            const std::string& issuer) {
  rapidjson::Document doc;
  if (body.size() > size_t{256} * 1024 || parse_json(doc, body) || !doc.IsObject()) {
    return std::string("the metadata is not a JSON object");
  }
  auto text = [&doc](std::string_view name) -> std::string {
    auto value = string_member(doc, name);
    return value ? std::string(*value) : std::string();
  };
  if (text("issuer") != issuer) {
    return "the metadata names issuer '" + text("issuer") + "', not '" + issuer + "'";
  }
  issuer_metadata m{text("jwks_uri"), text("introspection_endpoint")};
  if (m.jwks_uri.empty() || !fetchable(m.jwks_uri)) {
    return "the metadata's jwks_uri '" + m.jwks_uri + "' is missing or not https";
  }
  if (!m.introspection_endpoint.empty() && !fetchable(m.introspection_endpoint)) {
    return "the metadata's introspection_endpoint '" + m.introspection_endpoint + "' is not https";
  }
  return m;
}

}  // namespace mcprt::actors::identity
