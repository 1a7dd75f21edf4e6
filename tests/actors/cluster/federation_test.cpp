// The federated notifier between two actor systems in one process, over BASP on loopback:
// a subscriber on node "b" gets what node "a" publishes once "a" has learned b's interest,
// loses nothing it was sent, and stops getting it once it unsubscribes; node-local topics
// (list changes) never cross; notes for a peer past the in-flight bound are dropped and counted.
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "actors/cluster/membership.hpp"
#include "actors/notifier/notifier.hpp"
#include "runtime/io/outbox.hpp"
#include "support/cluster_node.hpp"

using namespace mcprt;
using namespace mcprt::actors;
using namespace mcprt::actors::cluster;
using namespace std::chrono_literals;
using mcprt::test::eventually;

namespace {

// A node with a notifier that federates, under these bounds.
struct fed_node : test::unit_node {
  explicit fed_node(cluster_options o) : unit_node(std::move(o), true) {}
};

cluster_options options_for(std::string name, std::string peer, uint16_t peer_port,
                            federation_options bounds = {}) {
  auto o = test::unit_options(std::move(name), std::move(peer), peer_port);
  o.federation = std::move(bounds);
  return o;
}

// Everything queued in `box` now, as one string.
std::string drain(const std::shared_ptr<outbox>& box, uint64_t gen) {
  std::string out;
  std::vector<out_piece> pieces;
  while (box->pull(gen, pieces)) {
    for (const auto& p : pieces) {
      out += p.bytes;
    }
    pieces.clear();
  }
  return out;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("federation: a subscriber gets what another node publishes", "[cluster][federation]") {
  fed_node b(options_for("b", "a", 1));
  fed_node a(options_for("a", "b", b.members->port()));
  REQUIRE(eventually([&] { return a.members->all_up() && b.members->all_up(); }, 10s));

  auto box = std::make_shared<outbox>(outbox_limits{4096, 0.9, 64}, stream_format::raw, nullptr);
  auto gen = box->attach([] {});
  const std::string topic = notifier::topic::resource("ticker://channel/0");
  b.notes->subscribe(topic, box);
  // A list change is each node's own: never sent, even to a node with subscribers for it.
  b.notes->subscribe(notifier::topic::list_changed("tools"), box);

  // Once a has b's interest, each publish on a reaches b's subscriber once.
  auto note = [](int i) {
    return shared_note::make("notifications/ticker/tick", R"({"seq":)" + std::to_string(i) + "}");
  };
  std::string got;
  REQUIRE(eventually(
      [&] {
        a.notes->publish(topic, note(0), overflow_policy::drop_oldest);
        got += drain(box, gen);
        return !got.empty();
      },
      10s));
  got.clear();
  a.notes->publish(notifier::topic::list_changed("tools"),
                   shared_note::make("notifications/tools/list_changed", "{}"),
                   overflow_policy::coalesce);
  for (int i = 1; i <= 100; ++i) {
    a.notes->publish(topic, note(i), overflow_policy::drop_oldest);
  }
  REQUIRE(eventually(
      [&] {
        got += drain(box, gen);
        return got.find(R"("seq":100})") != std::string::npos;
      },
      10s));
  for (int i = 1; i <= 100; ++i) {  // Each once, whatever seq 0s were still on their way.
    CHECK(count_of(got, R"("seq":)" + std::to_string(i) + "}") == 1);
  }
  CHECK(got.find("list_changed") == std::string::npos);
  CHECK(a.counter(R"(mcprt_cluster_notes_sent_total{peer="b"})") >= 101);

  // Unsubscribed: once a has learned it, a round of (a note for the topic, then a marker on
  // another topic b still wants) sends only the marker (per origin, order is kept).
  auto other = std::make_shared<outbox>(outbox_limits{4096, 0.9, 64}, stream_format::raw, nullptr);
  auto other_gen = other->attach([] {});
  const std::string marker_topic = notifier::topic::resource("ticker://channel/1");
  b.notes->subscribe(marker_topic, other);
  b.notes->unsubscribe(topic, box);
  int round = 0;
  REQUIRE(eventually(
      [&] {
        ++round;
        auto before = a.counter(R"(mcprt_cluster_notes_sent_total{peer="b"})");
        a.notes->publish(topic, note(1000 + round), overflow_policy::drop_oldest);
        a.notes->publish(marker_topic, note(2000 + round), overflow_policy::drop_oldest);
        auto mark = R"("seq":)" + std::to_string(2000 + round) + "}";
        std::string seen;
        if (!eventually(
                [&] {
                  seen += drain(other, other_gen);
                  return seen.find(mark) != std::string::npos;
                },
                5s)) {
          return false;
        }
        return a.counter(R"(mcprt_cluster_notes_sent_total{peer="b"})") - before == 1;
      },
      10s));
  other->detach(other_gen);
  box->detach(gen);
}

TEST_CASE("federation: past its bound a peer's notes wait, then drop by policy, counted",
          "[cluster][federation]") {
  // 2 KiB in flight to a peer (acknowledged every quarter of it) and 2 notes waiting: a burst
  // of 300 must spill. Every node of a cluster has the same bounds.
  fed_node b(options_for("b", "a", 1, {{}, 2048, 2}));
  fed_node a(options_for("a", "b", b.members->port(), {{}, 2048, 2}));
  REQUIRE(eventually([&] { return a.members->all_up() && b.members->all_up(); }, 10s));
  auto box = std::make_shared<outbox>(outbox_limits{8192, 0.95, 64}, stream_format::raw, nullptr);
  auto gen = box->attach([] {});
  const std::string topic = notifier::topic::resource("ticker://channel/2");
  b.notes->subscribe(topic, box);
  std::string got;
  REQUIRE(eventually(
      [&] {  // Until a knows b wants the topic; one note at a time, so none ever waits.
        a.notes->publish(topic, shared_note::make("n", R"({"warm":1})"),
                         overflow_policy::drop_oldest);
        return eventually(
            [&] {
              got += drain(box, gen);
              return !got.empty();
            },
            100ms);
      },
      10s));
  // Quiet before the burst: every warm-up note sent has arrived (some may have dropped).
  REQUIRE(eventually(
      [&] {
        got += drain(box, gen);
        return a.counter(R"(mcprt_cluster_notes_sent_total{peer="b"})") ==
               static_cast<double>(count_of(got, R"("warm")"));
      },
      10s));
  const double dropped_before = a.counter(R"(mcprt_cluster_notes_dropped_total{peer="b"})");
  const std::string pad(500, 'x');
  constexpr int burst = 300;
  for (int i = 0; i < burst; ++i) {
    a.notes->publish(
        topic, shared_note::make("n", R"({"i":)" + std::to_string(i) + R"(,"p":")" + pad + "\"}"),
        overflow_policy::drop_oldest);
  }
  // Every note of the burst arrived or was dropped (nothing waits for ever: acks drain the
  // queue), everything sent arrived, the bound made some drop, and the newest always gets
  // through (drop_oldest).
  double sent = 0;
  double dropped = 0;
  REQUIRE(eventually(
      [&] {
        sent = a.counter(R"(mcprt_cluster_notes_sent_total{peer="b"})");
        dropped = a.counter(R"(mcprt_cluster_notes_dropped_total{peer="b"})") - dropped_before;
        got += drain(box, gen);
        auto burst_got = count_of(got, R"("p":")");
        return static_cast<double>(burst_got) + dropped == burst &&
               sent == static_cast<double>(count_of(got, R"("warm")") + burst_got) &&
               got.find(R"("i":299,)") != std::string::npos;
      },
      10s));
  CHECK(dropped > 0);
  box->detach(gen);
}
