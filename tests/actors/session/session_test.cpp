// The session: serves its requests, applies logging/setLevel, refuses a second initialize,
// and removes itself when idle (its table's clock) or on end().
#include "actors/session/session.hpp"

#include <catch2/catch.hpp>
#include <thread>

#include "runtime/mcp/ids.hpp"
#include "support/capture.hpp"
#include "support/fixture.hpp"

using namespace mcprt;

namespace {

rpc::message decode(std::string_view body) {
  return std::get<rpc::message>(rpc::decode(body));
}

struct call {
  std::shared_ptr<test::capture_channel> channel = std::make_shared<test::capture_channel>();
  responder out;
  explicit call(const rpc::message& m)
      : out(channel, request_info{era::legacy, "2025-11-25", m.id, m.method, {}, log_level::info}) {
  }
};

actors::session::session_init init_for(test::world& w, std::chrono::milliseconds idle) {
  actors::session::session_init init;
  init.id = id_issuer{}.new_session_id();
  init.version = "2025-11-25";
  init.idle_timeout = idle;
  init.table = w.sessions;
  auto node = std::make_shared<actors::session::node_context>(*w.context());
  node->notifier = nullptr;  // No GET stream: these tests read answers only.
  init.node = node;
  return init;
}

std::string ask(const actors::session::session_ptr& s, std::string_view body) {
  auto m = decode(body);
  call c(m);
  s->request(session_request{m, c.out});
  auto r = c.channel->wait();
  REQUIRE(r);
  return r->second;
}

}  // namespace

TEST_CASE("session ids are 128-bit random hex and distinct", "[actors][session]") {
  auto a = id_issuer{}.new_session_id();
  CHECK(a.size() == 32);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a != id_issuer{}.new_session_id());
}

TEST_CASE("session answers ping, tools/call and unknown methods", "[actors][session]") {
  test::world w;
  auto s = actors::session::spawn_session(*w.sys, init_for(w, std::chrono::minutes(1)));
  CHECK(w.sessions->size() == 1);
  CHECK(ask(s, R"({"jsonrpc":"2.0","id":1,"method":"ping"})") ==
        R"({"jsonrpc":"2.0","id":1,"result":{}})");
  CHECK_THAT(
      ask(s,
          R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}})"),
      Catch::Contains(R"("text":"x")"));
  CHECK_THAT(ask(s, R"({"jsonrpc":"2.0","id":3,"method":"nope"})"), Catch::Contains("-32601"));
  CHECK_THAT(ask(s, R"({"jsonrpc":"2.0","id":4,"method":"initialize","params":{}})"),
             Catch::Contains("-32600"));
  CHECK_THAT(
      ask(s, R"({"jsonrpc":"2.0","id":5,"method":"logging/setLevel","params":{"level":"nope"}})"),
      Catch::Contains("-32602"));
  CHECK(ask(s,
            R"({"jsonrpc":"2.0","id":6,"method":"logging/setLevel","params":{"level":"error"}})") ==
        R"({"jsonrpc":"2.0","id":6,"result":{}})");
}

TEST_CASE("session expires when idle and frees its table entry", "[actors][session]") {
  test::world w;
  std::weak_ptr<actors::session::session> gone =
      actors::session::spawn_session(*w.sys, init_for(w, std::chrono::milliseconds(50)));
  CHECK(w.sessions->size() == 1);
  // The clock sweeps every quarter of the idle timeout; bounded, so a broken clock fails.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!gone.expired() && std::chrono::steady_clock::now() < until) {
    std::this_thread::yield();
  }
  CHECK(gone.expired());  // Nothing holds an idle session but its table.
  CHECK(w.sessions->size() == 0);
  CHECK_THAT(w.metrics->render(),
             Catch::Contains(R"(mcprt_sessions_ended_total{reason="expired"} 1)"));
}

TEST_CASE("a session in use is not expired", "[actors][session]") {
  test::world w;
  auto s = actors::session::spawn_session(*w.sys, init_for(w, std::chrono::milliseconds(300)));
  // Requests keep coming, back to back, for three times the idle timeout: the clock sweeps
  // many times meanwhile and must find the session busy each time.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(900);
  for (int id = 1; std::chrono::steady_clock::now() < until; ++id) {
    auto n = std::to_string(id);
    REQUIRE(ask(s, R"({"jsonrpc":"2.0","id":)" + n + R"(,"method":"ping"})") ==
            R"({"jsonrpc":"2.0","id":)" + n + R"(,"result":{}})");
  }
  CHECK(w.sessions->size() == 1);
}

TEST_CASE("session ends on end()", "[actors][session]") {
  test::world w;
  auto s = actors::session::spawn_session(*w.sys, init_for(w, std::chrono::minutes(1)));
  s->end();
  CHECK(w.sessions->size() == 0);
  // Ended: a request after it is dropped, not served (its responder answers it as abandoned
  // once nothing holds it).
  auto m = decode(R"({"jsonrpc":"2.0","id":9,"method":"ping"})");
  call c(m);
  s->request(session_request{m, c.out});
  CHECK_FALSE(c.channel->peek());
}
