// Every wire type survives CAF's serialization, and really crosses between two actor systems
// over BASP on loopback: a type missing from add_wire_types would come back as an error here
// (CAF 0.17 delivers an unregistered type as an empty message).
#include "actors/cluster/wire.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>
#include <type_traits>

using namespace mcprt::actors::cluster;

namespace {

wire::caller some_caller() {
  return {"https://issuer.example", "agent-7", "client-1", {"mcp:tools", "files:read"}, 1893456000};
}

// One value of each wire type, every field set (a missing overload does not compile).
wire::hello sample(std::type_identity<wire::hello>, const caf::actor& a) {
  return {"prod", wire::version, "n2", 0x9f1c03aa12345678, a, a};
}
wire::ping sample(std::type_identity<wire::ping>, const caf::actor&) {
  return {42};
}
wire::pong sample(std::type_identity<wire::pong>, const caf::actor&) {
  return {43};
}
wire::forwarded_request sample(std::type_identity<wire::forwarded_request>, const caf::actor&) {
  return {9,
          "n3",
          static_cast<uint8_t>(wire::forward_kind::get),
          "GET",
          "/mcp",
          "a=1",
          {{"Mcp-Session-Id", "n1.9f1c03aa.0123456789abcdef"}, {"Last-Event-ID", "s-17"}},
          R"({"jsonrpc":"2.0","id":1,"method":"ping"})",
          some_caller()};
}
wire::x_taken sample(std::type_identity<wire::x_taken>, const caf::actor&) {
  return {9};
}
wire::x_respond sample(std::type_identity<wire::x_respond>, const caf::actor&) {
  return {9, 200, "application/json", {{"Mcp-Session-Id", "n1.1.2"}}, R"({"result":{}})"};
}
wire::x_start sample(std::type_identity<wire::x_start>, const caf::actor&) {
  return {9, {{"Mcp-Session-Id", "n1.1.2"}}, 15000};
}
wire::x_write sample(std::type_identity<wire::x_write>, const caf::actor&) {
  return {9, 7, std::string("data: {}\n\n") + std::string(1, '\0') + "binary-safe"};
}
wire::x_end sample(std::type_identity<wire::x_end>, const caf::actor&) {
  return {9};
}
wire::x_abort sample(std::type_identity<wire::x_abort>, const caf::actor&) {
  return {10};
}
wire::x_watch_close sample(std::type_identity<wire::x_watch_close>, const caf::actor&) {
  return {11};
}
wire::x_credit sample(std::type_identity<wire::x_credit>, const caf::actor&) {
  return {9, "n3", 1u << 20};
}
wire::x_closed sample(std::type_identity<wire::x_closed>, const caf::actor&) {
  return {9, "n3"};
}
wire::interest sample(std::type_identity<wire::interest>, const caf::actor&) {
  return {"n2", static_cast<uint8_t>(wire::interest_op::replace), {"resource:a://b", "res:c"}};
}
wire::remote_note sample(std::type_identity<wire::remote_note>, const caf::actor&) {
  return {"n2", 4096, "resource:a://b", R"({"jsonrpc":"2.0","method":"x","params":{}})",
          40,   true, "latest",         1};
}
wire::notes_ack sample(std::type_identity<wire::notes_ack>, const caf::actor&) {
  return {"n3", 8192};
}
struct wire_system {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  wire_system() {
    cfg.load<caf::io::middleman>();
    cfg.set("scheduler.max-threads", size_t{2});
    wire::add_wire_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

template <class F, size_t... I>
void for_each_type(F f, std::index_sequence<I...>) {
  (f(std::type_identity<std::tuple_element_t<I, wire::types>>{}, I), ...);
}
template <class F>
void for_each_type(F f) {
  for_each_type(f, std::make_index_sequence<std::tuple_size_v<wire::types>>{});
}

}  // namespace

TEST_CASE("wire: every type round-trips through CAF's binary serialization", "[cluster][wire]") {
  wire_system n;
  auto a = n.sys->spawn([] { return caf::behavior{[](int) {}}; });
  for_each_type([&](auto type, size_t i) {
    using T = typename decltype(type)::type;
    INFO(wire::names[i]);
    auto value = sample(type, a);
    std::vector<char> buf;
    caf::binary_serializer sink(*n.sys, buf);
    REQUIRE_FALSE(sink(value));
    T back{};
    caf::binary_deserializer source(*n.sys, buf);
    REQUIRE_FALSE(source(back));
    CHECK(back == value);
  });
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

TEST_CASE("wire: every type crosses between two actor systems over BASP", "[cluster][wire]") {
  wire_system owner;
  wire_system ingress;
  // The owner echoes whatever arrives; an unregistered type would arrive empty and come back
  // as an error instead of its value.
  auto echo = owner.sys->spawn([](caf::event_based_actor* self) {
    self->set_default_handler(caf::reflect);
    return caf::behavior{[](const caf::unit_t&) {}};
  });
  auto port = owner.sys->middleman().publish(echo, 0, "127.0.0.1");
  REQUIRE(port);
  auto remote = ingress.sys->middleman().remote_actor("127.0.0.1", *port);
  REQUIRE(remote);
  auto local = ingress.sys->spawn([] { return caf::behavior{[](int) {}}; });
  caf::scoped_actor self(*ingress.sys);
  for_each_type([&](auto type, size_t i) {
    using T = typename decltype(type)::type;
    INFO(wire::names[i]);
    auto value = sample(type, local);
    bool answered = false;
    self->request(*remote, std::chrono::seconds(5), value)
        .receive(
            [&](T& back) {
              answered = true;
              CHECK(back == value);  // An actor handle comes home as the local actor again.
            },
            [&](caf::error& err) { FAIL(ingress.sys->render(err)); });
    CHECK(answered);
  });
  caf::anon_send_exit(local, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
}
