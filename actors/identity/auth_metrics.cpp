#include "actors/identity/auth_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

namespace mcprt::actors::identity {

auth_metrics::auth_metrics(prometheus::Registry& r) {
  failures_ = &prometheus::BuildCounter()
                   .Name("mcprt_auth_failures_total")
                   .Help("Requests refused with 401: no valid credential, by reason")
                   .Register(r);
  denials_ = &prometheus::BuildCounter()
                  .Name("mcprt_auth_denials_total")
                  .Help("Requests refused with 403 (or -32001 on a pipe): too little scope")
                  .Register(r);
  fetches_ = &prometheus::BuildCounter()
                  .Name("mcprt_auth_key_fetches_total")
                  .Help("Fetches of the issuer's metadata and key set, by outcome")
                  .Register(r);
  introspections_ = &prometheus::BuildCounter()
                         .Name("mcprt_auth_introspections_total")
                         .Help("Opaque tokens checked with the issuer (RFC 7662), by outcome")
                         .Register(r);
  auto& accepted = prometheus::BuildCounter()
                       .Name("mcprt_auth_accepted_total")
                       .Help("Requests whose credential was accepted, by kind")
                       .Register(r);
  accepted_jwt_ = &accepted.Add({{"kind", "jwt"}});
  accepted_opaque_ = &accepted.Add({{"kind", "opaque"}});
  accepted_key_ = &accepted.Add({{"kind", "api_key"}});
  accepted_certificate_ = &accepted.Add({{"kind", "certificate"}});
}

void auth_metrics::count(family& f, std::string_view label, std::string_view value) {
  f.Add({{std::string(label), std::string(value)}}).Increment();
}

void auth_metrics::authentication_failed(std::string_view reason) {
  count(*failures_, "reason", reason);
}

void auth_metrics::authorization_denied(std::string_view what) {
  count(*denials_, "on", what);
}

void auth_metrics::key_fetch(std::string_view outcome) {
  count(*fetches_, "outcome", outcome);
}

void auth_metrics::authenticated(credential kind) {
  (kind == credential::api_key       ? accepted_key_
   : kind == credential::certificate ? accepted_certificate_
   : kind == credential::opaque      ? accepted_opaque_
                                     : accepted_jwt_)
      ->Increment();
}

void auth_metrics::introspection(std::string_view outcome) {
  count(*introspections_, "outcome", outcome);
}

}  // namespace mcprt::actors::identity
