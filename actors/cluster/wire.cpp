#include "actors/cluster/wire.hpp"

#include <caf/actor_system_config.hpp>
#include <utility>

namespace mcprt::actors::cluster::wire {

caller to_wire(const principal& p) {
  return {p.issuer, p.subject, p.client_id, p.scopes, p.expires_at};
}

principal from_wire(const caller& c) {
  principal p;
  p.issuer = c.issuer;
  p.subject = c.subject;
  p.client_id = c.client_id;
  p.scopes = c.scopes;
  p.expires_at = c.expires_at;
  return p;
}

namespace {

template <size_t... I>
void add_each(caf::actor_system_config& cfg, std::index_sequence<I...>) {
  (cfg.add_message_type<std::tuple_element_t<I, types>>(names[I]), ...);
}

}  // namespace

void add_wire_types(caf::actor_system_config& cfg) {
  add_each(cfg, std::make_index_sequence<std::tuple_size_v<types>>{});
}

}  // namespace mcprt::actors::cluster::wire
