// The subscriber queue: bounds, overflow policies, control first, framing, replay; a publish
// loop's offer to many.
#include "runtime/io/outbox.hpp"

#include <catch2/catch.hpp>
#include <thread>

#include "runtime/observe/metrics.hpp"

using namespace mcprt;

namespace {

note_ptr updated(const std::string& uri, int seq = 0) {
  auto params = R"({"uri":")" + uri + R"(","seq":)" + std::to_string(seq) + "}";
  return shared_note::make("notifications/resources/updated", params, "updated " + uri);
}

// Everything the outbox hands out, as the transport would write it.
std::string drain(outbox& box, uint64_t gen) {
  std::string all;
  std::vector<out_piece> pieces;
  while (box.pull(gen, pieces)) {
    for (auto& p : pieces) {
      all += p.bytes;
    }
    pieces.clear();
  }
  return all;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("a stalled subscriber stays within its bound", "[outbox]") {
  auto m = std::make_shared<metrics>();
  outbox box({100, 0.75, 64}, stream_format::raw, m);
  for (int i = 0; i < 10000; ++i) {
    box.offer(updated("test://r" + std::to_string(i)), overflow_policy::drop_oldest);
  }
  CHECK(box.feed_size() <= 75);
  CHECK(m->render().find(R"(mcprt_notifications_total{outcome="dropped"} 9925)") !=
        std::string::npos);
}

TEST_CASE("coalescing keeps only the latest update per URI", "[outbox]") {
  outbox box({8, 0.5, 64}, stream_format::raw, nullptr);
  auto gen = box.attach([] {});
  for (int i = 0; i < 4; ++i) {  // Fills to the watermark: no policy yet.
    box.offer(updated("test://" + std::to_string(i), i), overflow_policy::coalesce);
  }
  for (int round = 1; round <= 50; ++round) {
    for (int i = 0; i < 4; ++i) {
      CHECK(box.offer(updated("test://" + std::to_string(i), round * 10 + i),
                      overflow_policy::coalesce) == offer_outcome::coalesced);
    }
  }
  CHECK(box.feed_size() == 4);
  auto out = drain(box, gen);
  CHECK(count(out, "notifications/resources/updated") == 4);
  for (int i = 0; i < 4; ++i) {
    CHECK(out.find(R"("uri":"test://)" + std::to_string(i) + R"(","seq":)" +
                   std::to_string(500 + i)) != std::string::npos);
  }
}

TEST_CASE("the disconnect policy closes a slow subscriber with a reason", "[outbox]") {
  outbox box({4, 0.5, 64}, stream_format::raw, nullptr);
  CHECK(box.offer(updated("a"), overflow_policy::disconnect) == offer_outcome::queued);
  CHECK(box.offer(updated("b"), overflow_policy::disconnect) == offer_outcome::queued);
  CHECK(box.offer(updated("c"), overflow_policy::disconnect) == offer_outcome::disconnected);
  CHECK(box.closed());
  CHECK(box.close_reason().find("too slow") != std::string::npos);
  CHECK(box.offer(updated("d"), overflow_policy::disconnect) == offer_outcome::closed);
}

// A note published `ms` after `t0`.
note_ptr published_at(std::chrono::steady_clock::time_point t0, int ms) {
  auto n = std::make_shared<shared_note>(*updated("test://tick", ms));
  n->published = t0 + std::chrono::milliseconds(ms);
  return n;
}

TEST_CASE("a queue too far behind drops what is older than maxQueueAgeMs", "[outbox]") {
  auto m = std::make_shared<metrics>();
  outbox_limits limits{1024, 0.75, 64};
  limits.max_age = std::chrono::milliseconds(100);
  outbox box(limits, stream_format::raw, m);
  auto gen = box.attach([] {});
  auto t0 = std::chrono::steady_clock::now();
  for (int ms : {0, 50, 100}) {  // Short of the bound in count and in age.
    CHECK(box.offer(published_at(t0, ms), overflow_policy::drop_oldest) == offer_outcome::queued);
  }
  CHECK(box.offer(published_at(t0, 150), overflow_policy::drop_oldest) ==
        offer_outcome::dropped_oldest);
  CHECK(box.offer(published_at(t0, 260), overflow_policy::drop_oldest) ==
        offer_outcome::dropped_oldest);
  CHECK(box.feed_size() == 1);  // 50, 100 and 150 were more than 100 ms behind 260.
  CHECK(m->render().find(R"(mcprt_notifications_total{outcome="dropped"} 4)") != std::string::npos);
  auto out = drain(box, gen);
  CHECK(out.find(R"("seq":260)") != std::string::npos);
}

TEST_CASE("the disconnect policy closes a subscriber too far behind, saying so", "[outbox]") {
  outbox_limits limits{1024, 0.75, 64};
  limits.max_age = std::chrono::milliseconds(100);
  outbox box(limits, stream_format::raw, nullptr);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(box.offer(published_at(t0, 0), overflow_policy::disconnect) == offer_outcome::queued);
  CHECK(box.offer(published_at(t0, 100), overflow_policy::disconnect) == offer_outcome::queued);
  CHECK(box.offer(published_at(t0, 101), overflow_policy::disconnect) ==
        offer_outcome::disconnected);
  CHECK(box.close_reason().find("ms behind") != std::string::npos);
}

TEST_CASE("control frames go out before queued notifications and are never dropped", "[outbox]") {
  outbox box({2, 1.0, 64}, stream_format::raw, nullptr);
  auto gen = box.attach([] {});
  box.offer(updated("a"), overflow_policy::drop_oldest);
  box.push_control(R"({"jsonrpc":"2.0","id":1,"result":{}})");
  std::vector<out_piece> pieces;
  REQUIRE(box.pull(gen, pieces));
  std::string first(pieces.front().bytes);
  CHECK(first.find(R"("id":1)") != std::string::npos);
}

TEST_CASE("the waker runs once per idle period", "[outbox]") {
  outbox box({16, 1.0, 4}, stream_format::raw, nullptr);
  int wakes = 0;
  auto gen = box.attach([&] { ++wakes; });
  box.offer(updated("a"), overflow_policy::drop_oldest);
  box.offer(updated("b"), overflow_policy::drop_oldest);
  CHECK(wakes == 1);
  drain(box, gen);
  box.offer(updated("c"), overflow_policy::drop_oldest);
  CHECK(wakes == 2);
  SECTION("a replaced attachment pulls nothing") {
    auto newer = box.attach([] {});
    std::vector<out_piece> pieces;
    CHECK_FALSE(box.pull(gen, pieces));
    CHECK(box.pull(newer, pieces));
  }
}

TEST_CASE("a writer's waker says what woke it, and is woken again for an answer", "[outbox]") {
  outbox box({16, 1.0, 4}, stream_format::raw, nullptr);
  std::vector<bool> wakes;  // Each wake's `urgent`.
  struct recording_sink final : wake_sink {
    explicit recording_sink(std::vector<bool>& wakes) : wakes(wakes) {}
    void wake(uint64_t token, bool urgent) override {
      CHECK(token == 42);
      wakes.push_back(urgent);
    }
    void wake_notes(std::span<const uint64_t> tokens) override {  // Never held: never called.
      FAIL("gathered wakes for a sink that cannot be held: " << tokens.size());
    }
    std::vector<bool>& wakes;
  } sink(wakes);
  auto gen = box.attach_writer(sink, 42);
  CHECK(box.attached());  // A writer counts as attached (one stream per session relies on it).
  CHECK(box.is_current(gen));
  box.offer(updated("a"), overflow_policy::drop_oldest);
  box.offer(updated("b"), overflow_policy::drop_oldest);
  CHECK(wakes == std::vector<bool>{false});  // A note: the writer may hold it a while.
  box.push_control(R"({"jsonrpc":"2.0","id":1,"result":{}})");
  box.push_control(R"({"jsonrpc":"2.0","id":2,"result":{}})");
  CHECK(wakes == std::vector<bool>{false, true});  // An answer must not wait with the notes.
  drain(box, gen);
  box.push_control(R"({"jsonrpc":"2.0","id":3,"result":{}})");
  box.offer(updated("c"), overflow_policy::drop_oldest);
  CHECK(wakes == std::vector<bool>{false, true, true});
  box.detach(gen);
  CHECK_FALSE(box.attached());
  box.push_control(R"({"jsonrpc":"2.0","id":4,"result":{}})");
  CHECK(wakes.size() == 3);  // Detached: the sink is told nothing more.
}

TEST_CASE("a pull that drains the outbox says so, and the next message wakes", "[outbox]") {
  outbox box({16, 1.0, 1}, stream_format::raw, nullptr);  // One message per pull.
  int wakes = 0;
  auto gen = box.attach([&] { ++wakes; });
  box.offer(updated("a"), overflow_policy::drop_oldest);
  box.offer(updated("b"), overflow_policy::drop_oldest);
  std::vector<out_piece> pieces;
  bool drained = true;
  REQUIRE(box.pull(gen, pieces, &drained));
  CHECK_FALSE(drained);  // "b" is still queued.
  REQUIRE(box.pull(gen, pieces, &drained));
  CHECK(drained);
  CHECK(wakes == 1);
  // No empty pull in between: the drained pull already turned the waker back on.
  box.offer(updated("c"), overflow_policy::drop_oldest);
  CHECK(wakes == 2);
  SECTION("a close with an answer still queued is not drained") {
    REQUIRE(box.pull(gen, pieces, &drained));
    box.push_control(R"({"jsonrpc":"2.0","id":1,"result":{}})");
    box.close("bye");
    REQUIRE(box.pull(gen, pieces, &drained));
    CHECK_FALSE(drained);  // The transport pulls again, finds nothing, and sees the close.
    CHECK_FALSE(box.pull(gen, pieces, &drained));
    CHECK(box.closed());
  }
}

TEST_CASE("a tag goes into every note's params, sharing the note's bytes", "[outbox]") {
  outbox box({16, 1.0, 64}, stream_format::raw, nullptr);
  box.set_tag(R"("_meta":{"io.modelcontextprotocol/subscriptionId":"s1"})");
  auto gen = box.attach([] {});
  box.offer(updated("x"), overflow_policy::coalesce);
  box.offer(shared_note::make("notifications/tools/list_changed", ""), overflow_policy::coalesce);
  std::vector<out_piece> pieces;
  REQUIRE(box.pull(gen, pieces));
  std::vector<std::string> messages(1);
  for (auto& p : pieces) {
    messages.back() += p.bytes;
    if (p.message_end) {
      messages.emplace_back();
    }
  }
  CHECK(
      messages[0] ==
      R"({"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"x","seq":0,"_meta":{"io.modelcontextprotocol/subscriptionId":"s1"}}})");
  CHECK(
      messages[1] ==
      R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":{"_meta":{"io.modelcontextprotocol/subscriptionId":"s1"}}})");
}

TEST_CASE("SSE events carry session-unique ids and replay after Last-Event-ID", "[outbox]") {
  auto log = std::make_shared<event_log>("ab12", 4);
  outbox box({16, 1.0, 64}, stream_format::sse, nullptr, log);
  auto gen = box.attach([] {});
  for (int i = 1; i <= 3; ++i) {
    box.offer(updated("u", i), overflow_policy::drop_oldest);
  }
  auto out = drain(box, gen);
  CHECK(out.find("id: ab12-1\ndata: {") == 0);
  CHECK(count(out, "\n\n") == 3);

  std::vector<logged_event> replay;
  REQUIRE(log->after("ab12-1", replay) == event_log::resume::replay);
  REQUIRE(replay.size() == 2);
  box.push_replay(replay);
  auto again = drain(box, gen);
  CHECK(again.find("id: ab12-2\n") == 0);
  CHECK(again.find("id: ab12-3\n") != std::string::npos);
  CHECK(again.find("id: ab12-4") == std::string::npos);  // Replays keep their ids.

  std::vector<logged_event> none;
  CHECK(log->after("ffff-1", none) == event_log::resume::foreign);
  CHECK(log->after("ab12-99", none) == event_log::resume::foreign);
  CHECK(log->after("ab12-x", none) == event_log::resume::foreign);
  for (int i = 0; i < 10; ++i) {
    box.offer(updated("u", i), overflow_policy::drop_oldest);
  }
  drain(box, gen);
  CHECK(log->after("ab12-1", none) == event_log::resume::too_old);
  SECTION("a resumed stream gets only its own events") {
    auto post = log->next_stream();
    auto mine = log->next_id();
    log->keep(logged_event{mine, post, {}, std::make_shared<const std::string>("{}")});
    box.offer(updated("u", 99), overflow_policy::drop_oldest);
    drain(box, gen);  // A GET-stream event after it.
    auto result = log->next_id();
    log->keep(logged_event{result, post, {}, std::make_shared<const std::string>("{\"r\":1}")});
    std::vector<logged_event> own;
    REQUIRE(log->after("ab12-" + std::to_string(mine), own) == event_log::resume::replay);
    REQUIRE(own.size() == 1);
    CHECK(*own[0].frame == "{\"r\":1}");
  }
  CHECK(none.empty());
}

TEST_CASE("a request's notes give way to a reader that is behind, answers never do",
          "[outbox][notes]") {
  auto m = std::make_shared<metrics>();
  outbox box({8, 0.5, 64}, stream_format::raw, m);  // Behind from 4 queued frames.
  auto gen = box.attach([] {});
  auto progress = [&](int i) {
    box.push_control(
        R"({"method":"notifications/progress","params":{"progress":)" + std::to_string(i) + "}}",
        frame_role::note, note_overflow::latest("progress 1"));
  };
  for (int i = 1; i <= 100; ++i) {
    progress(i);
    box.push_control(
        R"({"method":"notifications/message","params":{"n":)" + std::to_string(i) + "}}",
        frame_role::note, note_overflow::droppable());
  }
  box.push_control(R"({"id":1,"result":{}})", frame_role::answer);
  auto out = drain(box, gen);
  // Below the watermark everything went in; then only the newest progress stayed queued.
  CHECK(count(out, "notifications/progress") == 2);  // 1, and the latest: 100.
  CHECK(count(out, "notifications/message") == 2);
  CHECK(out.find(R"("progress":100})") != std::string::npos);
  CHECK(out.find(R"("progress":100})") < out.find(R"("id":1)"));
  auto text = m->render();
  CHECK_THAT(text, Catch::Contains(R"(mcprt_request_notifications_total{outcome="dropped"} 98)"));
  CHECK_THAT(text, Catch::Contains(R"(mcprt_request_notifications_total{outcome="coalesced"} 98)"));
}

TEST_CASE("pieces carry the role of their message", "[outbox][notes]") {
  outbox box({8, 1.0, 64}, stream_format::raw, nullptr);
  auto gen = box.attach([] {});
  box.push_control("{\"n\":1}", frame_role::note, note_overflow::latest("p"));
  box.push_control("{\"r\":1}", frame_role::answer);
  box.offer(updated("a"), overflow_policy::coalesce);
  std::vector<std::pair<std::string, frame_role>> messages;
  box.drain_messages(gen, [&](const std::string& m, frame_role r) { messages.emplace_back(m, r); });
  REQUIRE(messages.size() == 3);
  CHECK(messages[0].second == frame_role::note);
  CHECK(messages[1].second == frame_role::answer);
  CHECK(messages[2].second == frame_role::other);
}

TEST_CASE("on_pulled reports the bytes each pull hands out, on the puller's thread", "[outbox]") {
  outbox box({16, 0.75, 2}, stream_format::raw, nullptr);
  std::vector<size_t> reported;
  box.on_pulled([&](size_t n) { reported.push_back(n); });
  auto gen = box.attach([] {});
  box.push_control("aaaa");
  box.push_control("bb");
  box.push_control("c");
  std::vector<out_piece> pieces;
  // A batch of 2 per pull: 4 + 2 bytes, then 1.
  std::thread reader([&] {
    while (box.pull(gen, pieces)) {
    }
  });
  reader.join();
  CHECK(reported == std::vector<size_t>{6, 1});
  box.detach(gen);
}

TEST_CASE("offer_each offers a note to every outbox and says whether one was closed", "[outbox]") {
  for (size_t n : {size_t{0}, size_t{1}, size_t{4}, size_t{5}, size_t{9}}) {  // Around `ahead`.
    CAPTURE(n);
    std::vector<std::shared_ptr<outbox>> boxes;
    for (size_t i = 0; i < n; ++i) {
      boxes.push_back(std::make_shared<outbox>(outbox_limits{}, stream_format::raw, nullptr));
    }
    auto note = updated("file:///a", 1);
    CHECK_FALSE(offer_each(boxes, note, overflow_policy::drop_oldest));
    for (const auto& box : boxes) {
      CHECK(box->feed_size() == 1);
    }
    if (n > 1) {
      boxes[n / 2]->close("gone");
      CHECK(offer_each(boxes, note, overflow_policy::drop_oldest));
      for (size_t i = 0; i < n; ++i) {
        CHECK(boxes[i]->feed_size() == (i == n / 2 ? 0 : 2));  // The rest still got it.
      }
    }
  }
}
