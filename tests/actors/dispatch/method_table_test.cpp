// The method table: each method's eras, scope, admission and Mcp-Name source in one place,
// and dispatch following it.
#include "actors/dispatch/method_table.hpp"

#include <catch2/catch.hpp>

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

TEST_CASE("session-scoped methods are not dispatched statelessly", "[actors][dispatch][methods]") {
  const auto& t = method_table::builtin();
  for (const char* m : {"initialize", "logging/setLevel", "resources/subscribe"}) {
    CHECK(t.find(m)->scope == method_scope::session);
    CHECK_FALSE(t.find(m)->handler);
  }
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
