// The method table: each method's eras, scope, admission and Mcp-Name source in one place,
// and dispatch following it.
#include "actors/dispatch/method_table.hpp"

#include <catch2/catch.hpp>

#include "runtime/codec/json.hpp"
#include "support/capture.hpp"
#include "support/fixture.hpp"

using namespace mcprt;
using namespace mcprt::actors::dispatch;

TEST_CASE("the method table knows each method's eras", "[actors][dispatch][methods]") {
  const auto& t = method_table::builtin();
  CHECK(t.find("ping", era::legacy));
  CHECK_FALSE(t.find("ping", era::modern));  // Removed in 2026-07-28.
  CHECK(t.find("server/discover", era::modern));
  CHECK_FALSE(t.find("server/discover", era::legacy));
  CHECK(t.find("tasks/update", era::modern));
  CHECK_FALSE(t.find("tasks/result", era::modern));
  CHECK_FALSE(t.find("tasks/list", era::modern));
  CHECK(t.find("tools/call", era::modern));
  CHECK(t.find("tools/call", era::legacy));
  CHECK_FALSE(t.find("no/such/method"));
}

TEST_CASE("only control traffic is exempt from admission", "[actors][dispatch][methods]") {
  const auto& t = method_table::builtin();
  for (const char* m : {"initialize", "ping", "server/discover", "subscriptions/listen"}) {
    CHECK(t.find(m)->exempt_from_admission);
  }
  for (const char* m : {"tools/call", "tools/list", "resources/read", "tasks/get"}) {
    CHECK_FALSE(t.find(m)->exempt_from_admission);
  }
}

TEST_CASE("Mcp-Name mirrors the member the table names", "[actors][dispatch][methods]") {
  const auto& t = method_table::builtin();
  CHECK(t.find("tools/call")->name_member == "name");
  CHECK(t.find("prompts/get")->name_member == "name");
  CHECK(t.find("resources/read")->name_member == "uri");
  CHECK(t.find("tasks/cancel")->name_member == "taskId");
  CHECK(t.find("tools/list")->name_member.empty());
}

TEST_CASE("session-scoped methods run in the session, not statelessly",
          "[actors][dispatch][methods]") {
  const auto& t = method_table::builtin();
  for (const char* m :
       {"initialize", "logging/setLevel", "resources/subscribe", "resources/unsubscribe"}) {
    CHECK(t.find(m)->scope == method_scope::session);
    CHECK_FALSE(t.find(m)->handler);
    CHECK(t.find(m)->in_session != nullptr);
  }
  CHECK(t.find("tools/call")->in_session == nullptr);

  // Each calls what the session offers, with the request as it came.
  struct recording_session : session_scope {
    std::string called;
    void set_level(const rpc::message& msg, const responder&) override {
      called = "set_level " + msg.method;
    }
    void subscribe(const rpc::message&, const responder&) override { called = "subscribe"; }
    void unsubscribe(const rpc::message&, const responder&) override { called = "unsubscribe"; }
  } session;
  rpc::message msg;
  msg.method = "logging/setLevel";
  t.find("logging/setLevel")->in_session(session, msg, responder());
  CHECK(session.called == "set_level logging/setLevel");
  t.find("resources/unsubscribe")->in_session(session, msg, responder());
  CHECK(session.called == "unsubscribe");
  // A second initialize is refused by the table's own handler.
  auto channel = std::make_shared<test::capture_channel>();
  t.find("initialize")
      ->in_session(session, msg,
                   responder(channel, request_info(era::legacy, "2025-11-25", "7", "initialize")));
  auto answer = channel->wait();
  REQUIRE(answer);
  CHECK(answer->second.find("already initialized") != std::string::npos);
}

TEST_CASE("dispatch follows the table's eras", "[actors][dispatch][methods]") {
  test::world w;
  auto ping = [&](era e) {
    auto m = std::get<rpc::message>(rpc::decode(R"({"jsonrpc":"2.0","id":1,"method":"ping"})"));
    auto ch = std::make_shared<test::capture_channel>();
    responder out(ch, request_info{e, e == era::modern ? "2026-07-28" : "2025-11-25", "1", "ping"});
    bool served = dispatch(m, out, w.env());
    if (!served) {
      out.cancel();  // Nobody answers it here: do not let the responder answer as abandoned.
    }
    return served;
  };
  CHECK(ping(era::legacy));
  CHECK_FALSE(ping(era::modern));
}

namespace {

// A plugin with one method of its own, served in 2026-07-28 only.
plugin extension_plugin() {
  plugin p;
  p.name = "extension";
  p.start = [](plugin_context& ctx) {
    method_spec echo;
    echo.name = "io.example/echo";
    echo.in_legacy = false;
    echo.handler = [](const json_ref& params, const responder& out) {
      out.result(params ? to_json(*params) : "{}");
    };
    return ctx.add_methods({echo});
  };
  return p;
}

std::optional<std::pair<unsigned, std::string>> call(test::world& w, era e,
                                                     const std::string& method) {
  auto m = std::get<rpc::message>(
      rpc::decode(R"({"jsonrpc":"2.0","id":1,"method":")" + method + R"(","params":{"x":1}})"));
  auto ch = std::make_shared<test::capture_channel>();
  responder out(ch, request_info{e, e == era::modern ? "2026-07-28" : "2025-11-25", "1", method});
  if (!dispatch(m, out, w.env())) {
    out.cancel();
    return std::nullopt;
  }
  return ch->wait();
}

}  // namespace

TEST_CASE("a plugin's own method is served on its actor, in the eras it names",
          "[actors][dispatch][methods]") {
  test::world w({extension_plugin()});
  auto answer = call(w, era::modern, "io.example/echo");
  REQUIRE(answer);
  CHECK(answer->second.find(R"("result":{"x":1)") != std::string::npos);
  CHECK_FALSE(call(w, era::legacy, "io.example/echo"));  // Not in 2025 sessions.
  CHECK_FALSE(call(w, era::modern, "io.example/other"));
}

TEST_CASE("a plugin method needs a namespaced name that is not MCP's",
          "[actors][dispatch][methods]") {
  auto handler = [](const json_ref&, const responder&) {};
  for (const char* name :
       {"tools/call", "nodot/x", "io.modelcontextprotocol/x", "io.example/", ""}) {
    actors::catalog::catalog_builder b;
    CHECK(b.add(method_spec{name, true, true, handler}, runner_actor{}));
  }
  actors::catalog::catalog_builder b;
  CHECK_FALSE(b.add(method_spec{"io.example/ok", true, true, handler}, runner_actor{}));
  CHECK(b.add(method_spec{"io.example/ok", true, true, handler}, runner_actor{}));  // Twice.
}
