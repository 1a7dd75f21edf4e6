// The supervisor: a plugin actor that dies leaves the catalog at once (list_changed goes
// out), a call it held is answered with an error at once, and the restart policy applies.
#include "actors/node/supervisor.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "actors/adapters/pool.hpp"
#include "actors/catalog/live_catalog.hpp"
#include "actors/catalog/plugin_host.hpp"
#include "actors/notifier/notifier.hpp"
#include "support/capture.hpp"
#include "support/fixture.hpp"

using namespace mcprt;
using namespace mcprt::actors;
using namespace mcprt::actors::node;

namespace {

// A plugin with a tool that throws (a plugin bug that ends its actor) and one that answers.
plugin flaky_plugin() {
  plugin p;
  p.name = "flaky";
  p.start = [](plugin_context& ctx) {
    tool_spec boom;
    boom.definition.name = "boom";
    boom.handler = [](tool_invocation&) { throw std::runtime_error("plugin bug"); };
    tool_spec fine;
    fine.definition.name = "fine";
    fine.handler = [](tool_invocation& inv) { inv.finish(text_result("ok")); };
    tool_spec hold;  // Answers in ten minutes: its responder waits in the actor clock.
    hold.definition.name = "hold";
    hold.handler = [](tool_invocation& inv) {
      inv.after(std::chrono::minutes(10), [inv] { inv.finish(text_result("late")); });
    };
    return ctx.add_tools({boom, fine, hold});
  };
  return p;
}

// Watches tools/list_changed on the notifier and wakes the test whenever one arrives.
struct list_watch {
  std::shared_ptr<outbox> box;
  uint64_t gen = 0;
  std::mutex m;
  std::condition_variable cv;
  int changes = 0;

  list_watch(notifier::notifier& notes, const std::shared_ptr<mcprt::metrics>& metrics)
      : box(std::make_shared<outbox>(outbox_limits{}, stream_format::raw, metrics)) {
    gen = box->attach([this] { drain(); });
    notes.subscribe(notifier::topic::list_changed("tools"), box);
  }
  void drain() {
    int n = 0;
    box->drain_messages(gen, [&](const std::string& frame, frame_role) {
      n += frame.find("notifications/tools/list_changed") != std::string::npos ? 1 : 0;
    });
    std::lock_guard<std::mutex> g(m);
    changes += n;
    cv.notify_all();
  }
  // Waits (at most 5 s) until `pred` holds, re-checking at every list change.
  template <class Pred>
  bool wait_for(Pred pred) {
    std::unique_lock<std::mutex> l(m);
    return cv.wait_for(l, std::chrono::seconds(5), [&] { return pred(changes); });
  }
};

// The starter a node gives its supervisor, counting starts.
struct starts {
  std::atomic<int> count{0};
};

plugin_starter starter_for(caf::actor_system& sys,
                           const std::shared_ptr<catalog::node_catalog>& live,
                           const std::shared_ptr<starts>& counter) {
  return [&sys, live, counter](const std::string&) -> expected<plugin_start, std::string> {
    catalog::catalog_builder b;
    catalog::plugin_host ctx(sys, settings_view{}, b, {}, live);
    if (auto err = flaky_plugin().start(ctx)) {
      return sys.render(err);
    }
    ++counter->count;
    return plugin_start{b.build(), ctx.actors()};
  };
}

// Each actor once (the catalog names an actor once per entry it serves).
std::vector<tool_actor> distinct(std::vector<tool_actor> actors) {
  std::vector<tool_actor> out;
  for (auto& a : actors) {
    if (std::find(out.begin(), out.end(), a) == out.end()) {
      out.push_back(std::move(a));
    }
  }
  return out;
}

// Calls `tool` on the actor the catalog names now; the channel records the answer.
std::shared_ptr<test::capture_channel> call(test::world& w, const std::string& tool) {
  auto channel = std::make_shared<test::capture_channel>();
  const auto* t = w.tools->current()->find(tool);
  REQUIRE(t != nullptr);
  caf::anon_send(
      t->handler,
      tool_call{tool,
                {},
                responder(channel, request_info(era::legacy, "2025-06-18", "1", "tools/call"))});
  return channel;
}

struct supervised {
  test::world w{{flaky_plugin()}};
  std::shared_ptr<catalog::node_catalog> live =
      std::make_shared<catalog::node_catalog>(*w.sys, w.tools, w.notes);
  std::shared_ptr<starts> counter = std::make_shared<starts>();
  list_watch watch{*w.notes, w.metrics};
  caf::actor supervisor;

  explicit supervised(restart_policy policy, int max_restarts = 5) {
    supervision_options o;
    o.backoff = std::chrono::milliseconds(1);
    o.max_restarts = max_restarts;
    supervisor =
        spawn_supervisor(*w.sys, o, {{"flaky", policy, distinct(w.tools->current()->actors())}}, {},
                         live, starter_for(*w.sys, live, counter), w.metrics);
  }
  ~supervised() { caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown); }
  bool has(const std::string& tool) const { return w.tools->current()->find(tool) != nullptr; }
};

}  // namespace

TEST_CASE("a call on a plugin actor that dies is answered with an error at once",
          "[actors][node][supervisor]") {
  supervised s(restart_policy::stay_down);
  auto answer = call(s.w, "boom")->wait();
  REQUIRE(answer);
  CHECK(answer->second.find("-32603") != std::string::npos);
}

TEST_CASE("a call waiting on a deferred step fails at once when its actor dies",
          "[actors][node][supervisor]") {
  supervised s(restart_policy::stay_down);
  auto held = call(s.w, "hold");
  REQUIRE(call(s.w, "boom")->wait());
  auto answer = held->wait();  // Bounded at 5 s; the step itself is ten minutes away.
  REQUIRE(answer);
  CHECK(answer->second.find("-32603") != std::string::npos);
  CHECK(answer->second.find("Tool 'hold' stopped before answering") != std::string::npos);
}

TEST_CASE("a plugin that stays down leaves the catalog and announces list_changed",
          "[actors][node][supervisor]") {
  supervised s(restart_policy::stay_down);
  REQUIRE(s.has("boom"));
  REQUIRE(call(s.w, "boom")->wait());
  REQUIRE(s.watch.wait_for([&](int changes) { return changes >= 1 && !s.has("boom"); }));
  CHECK_FALSE(s.has("fine"));  // One actor served both: both are gone.
  CHECK(s.counter->count == 0);
  CHECK(s.w.metrics->render().find(R"(mcprt_plugin_actor_exits_total{plugin="flaky"} 1)") !=
        std::string::npos);
}

TEST_CASE("a restarted plugin serves again from new actors", "[actors][node][supervisor]") {
  supervised s(restart_policy::restart);
  auto before = s.w.tools->current()->find("fine")->handler;
  REQUIRE(call(s.w, "boom")->wait());
  // Removal, then the restart's swap: two list changes, and the tools are back.
  REQUIRE(s.watch.wait_for([&](int changes) { return changes >= 2 && s.has("fine"); }));
  CHECK(s.counter->count == 1);
  CHECK(s.w.tools->current()->find("fine")->handler != before);
  auto answer = call(s.w, "fine")->wait();
  REQUIRE(answer);
  CHECK(answer->second.find(R"("text":"ok")") != std::string::npos);
}

TEST_CASE("a plugin that keeps dying stays down past its restart budget",
          "[actors][node][supervisor]") {
  supervised s(restart_policy::restart, 1);
  REQUIRE(call(s.w, "boom")->wait());
  REQUIRE(s.watch.wait_for([&](int changes) { return changes >= 2 && s.has("boom"); }));
  REQUIRE(call(s.w, "boom")->wait());
  // The second death uses up the budget: the tools leave and do not come back.
  REQUIRE(s.watch.wait_for([&](int changes) { return changes >= 3 && !s.has("boom"); }));
  REQUIRE(s.watch.wait_for([&](int) {
    return s.w.metrics->render().find(
               R"(mcprt_plugin_restarts_total{outcome="gave_up",plugin="flaky"} 1)") !=
           std::string::npos;
  }));
  CHECK(s.counter->count == 1);
  CHECK_FALSE(s.has("fine"));
}

TEST_CASE("a notifier shard that dies is replaced with its subscribers",
          "[actors][node][supervisor]") {
  test::world w{{flaky_plugin()}};
  auto live = std::make_shared<catalog::node_catalog>(*w.sys, w.tools, w.notes);
  list_watch watch{*w.notes, w.metrics};
  std::mutex m;
  std::condition_variable cv;
  int replaced = 0;
  watched_service shards{"notifier", "shard", w.notes->shard_addresses(),
                         [&, notes = w.notes](const caf::actor_addr& dead) {
                           auto fresh = notes->replace_shard(dead);
                           std::lock_guard<std::mutex> g(m);
                           replaced += fresh ? 1 : 0;
                           cv.notify_all();
                           return fresh;
                         }};
  auto announce = [&] {
    w.notes->publish(notifier::topic::list_changed("tools"),
                     shared_note::make("notifications/tools/list_changed", "{}"),
                     overflow_policy::coalesce);
  };
  announce();  // Heard: the subscription is in the shard's hands.
  REQUIRE(watch.wait_for([](int changes) { return changes >= 1; }));
  auto before = w.notes->shard_addresses();
  auto supervisor = spawn_supervisor(*w.sys, {}, {}, {shards}, live, {}, w.metrics);
  for (const auto& shard : before) {
    caf::anon_send_exit(shard, caf::exit_reason::kill);
  }
  {
    std::unique_lock<std::mutex> l(m);
    REQUIRE(cv.wait_for(l, std::chrono::seconds(5), [&] { return replaced == 2; }));
  }
  auto after = w.notes->shard_addresses();
  CHECK(std::find(after.begin(), after.end(), before[0]) == after.end());
  // The subscription made before the shard died still hears the topic.
  announce();
  CHECK(watch.wait_for([](int changes) { return changes >= 2; }));
  CHECK(w.metrics->render().find(
            R"(mcprt_service_actor_exits_total{actor="shard",service="notifier"} 2)") !=
        std::string::npos);
  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
}

TEST_CASE("an adapter pool whose actor dies is replaced and serves again",
          "[actors][node][supervisor]") {
  test::world w{{flaky_plugin()}};
  auto live = std::make_shared<catalog::node_catalog>(*w.sys, w.tools, w.notes);
  adapters::adapter_options o;
  o.name = "gone";
  o.command.command = "/nonexistent/mcp-worker";  // Never starts: calls fail at once, clearly.
  auto pool = std::make_shared<adapters::adapter_pool>(o, *w.sys, live, w.metrics->registry());
  pool->start();
  std::mutex m;
  std::condition_variable cv;
  caf::actor_addr fresh;
  watched_service part{
      "adapter:gone", "pool", {pool->actor_address()}, [&](const caf::actor_addr& dead) {
        auto replaced = pool->replace(dead);
        std::lock_guard<std::mutex> g(m);
        fresh = replaced;
        cv.notify_all();
        return replaced;
      }};
  auto supervisor = spawn_supervisor(*w.sys, {}, {}, {part}, live, {}, w.metrics);
  auto before = pool->actor_address();
  caf::anon_send_exit(before, caf::exit_reason::kill);
  {
    std::unique_lock<std::mutex> l(m);
    REQUIRE(cv.wait_for(l, std::chrono::seconds(5), [&] { return static_cast<bool>(fresh); }));
  }
  CHECK(pool->actor_address() == fresh);
  CHECK(fresh != before);
  // The fresh actor answers: its worker cannot start, and it says why.
  auto channel = std::make_shared<test::capture_channel>();
  pool->call("tools/call", "anything", {},
             responder(channel, request_info(era::legacy, "2025-06-18", "1", "tools/call")));
  auto answer = channel->wait();
  REQUIRE(answer);
  CHECK(answer->second.find("adapter 'gone' is unavailable") != std::string::npos);
  CHECK(w.metrics->render().find(
            R"(mcprt_service_actor_exits_total{actor="pool",service="adapter:gone"} 1)") !=
        std::string::npos);
  pool->stop();
  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
}
