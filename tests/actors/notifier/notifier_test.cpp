// The notifier's publish loop: a subscriber found closed leaves its topic on that publish,
// and the others still get every note.
#include "actors/notifier/notifier.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <memory>

#include "runtime/io/outbox.hpp"

using namespace mcprt;
namespace notifying = actors::notifier;
using notifying::notifier;

TEST_CASE("notifier: a closed subscriber leaves on the next publish, the rest get it",
          "[notifier]") {
  caf::actor_system_config cfg;
  caf::actor_system sys(cfg);
  notifier notes(sys, 1, nullptr);
  const auto topic = notifying::topic::resource("ticker://channel/0");
  auto open = std::make_shared<outbox>(outbox_limits{}, stream_format::raw, nullptr);
  auto closing = std::make_shared<outbox>(outbox_limits{}, stream_format::raw, nullptr);
  // The open subscriber's writer: woken once per idle period, it signals the test.
  std::promise<void> woken;
  auto gen = open->attach([&woken] { woken.set_value(); });
  notes.subscribe(topic, closing);
  notes.subscribe(topic, open);
  closing->close("gone");

  auto note = [](int seq) {
    return shared_note::make("notifications/ticker/tick", R"({"seq":)" + std::to_string(seq) + "}");
  };
  auto publish_and_wait = [&](int seq) {
    woken = std::promise<void>();
    auto done = woken.get_future();
    notes.publish(topic, note(seq), overflow_policy::drop_oldest);
    REQUIRE(done.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    std::vector<out_piece> pieces;
    bool drained = false;
    REQUIRE(open->pull(gen, pieces, &drained));  // Emptied: the next note wakes again.
    CHECK(drained);
  };
  publish_and_wait(1);
  // One shard handles a topic's messages in order: by the second publish's wake, the first
  // publish has let the closed subscriber go, and only this test still holds it.
  publish_and_wait(2);
  CHECK(closing.use_count() == 1);
  CHECK(open.use_count() == 2);  // The notifier keeps the open one.
  open->detach(gen);
  notes.stop();
}
