// The Prometheus series of authentication and authorization (mcprt_auth_*), declared together.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace prometheus {
class Registry;
class Counter;
template <class T>
class Family;
}  // namespace prometheus

namespace mcprt::actors::identity {

/// Audit counters. Labels are bounded: reasons and objects come from fixed lists.
class auth_metrics {
 public:
  explicit auth_metrics(prometheus::Registry& registry);

  /// A request was refused 401 (`reason`: missing, malformed, token_in_query, expired, ...).
  void authentication_failed(std::string_view reason);
  /// A request was refused 403 for want of scope.
  void authorization_denied(std::string_view what);
  /// A fetch of the issuer's metadata or keys ended (`outcome`: ok, failed, limited).
  void key_fetch(std::string_view outcome);
  /// What a request's accepted credential was.
  enum class credential { jwt, opaque, api_key, certificate };
  /// A request's credential was accepted; counters resolved once, hot path.
  void authenticated(credential kind);
  /// An opaque token was introspected (`outcome`: active, inactive, expired, audience, ...,
  /// remembered, busy, failed).
  void introspection(std::string_view outcome);

 private:
  using family = prometheus::Family<prometheus::Counter>;
  void count(family& f, std::string_view label, std::string_view value);
  family *failures_, *denials_, *fetches_, *introspections_;
  prometheus::Counter *accepted_jwt_, *accepted_opaque_, *accepted_key_, *accepted_certificate_;
};

}  // namespace mcprt::actors::identity
