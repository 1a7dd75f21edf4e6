// Wakes gathered in a loop go to each sink in runs, in order, the last run when the gathering
// ends; a sink is held alive until then; without a gathering, for a sink that cannot be held,
// and for urgent wakes, the outbox wakes its sink at once; a nested gathering hands nothing
// over before the outermost ends.
#include "runtime/io/wake_gathering.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "runtime/io/outbox.hpp"

using mcprt::io::outbox;
using mcprt::io::outbox_limits;
using mcprt::io::overflow_policy;
using mcprt::io::shared_note;
using mcprt::io::stream_format;
using mcprt::io::wake_gathering;
using mcprt::io::wake_sink;

namespace {

// Records what reaches it: single wakes, and the runs handed over.
struct recording_sink final : wake_sink, std::enable_shared_from_this<recording_sink> {
  explicit recording_sink(bool holdable = true, bool* gone = nullptr)
      : holdable(holdable), gone(gone) {}
  ~recording_sink() {
    if (gone != nullptr) {
      *gone = true;
    }
  }
  void wake(uint64_t token, bool urgent) override { single.push_back({token, urgent}); }
  std::shared_ptr<wake_sink> hold() override {
    return holdable ? std::shared_ptr<wake_sink>(shared_from_this()) : nullptr;
  }
  void wake_notes(std::span<const uint64_t> tokens) override {
    runs.emplace_back(tokens.begin(), tokens.end());
  }
  std::vector<uint64_t> all_gathered() const {
    std::vector<uint64_t> out;
    for (const auto& r : runs) {
      out.insert(out.end(), r.begin(), r.end());
    }
    return out;
  }
  struct single_wake {
    uint64_t token;
    bool urgent;
  };
  bool holdable;
  bool* gone;
  std::vector<single_wake> single;
  std::vector<std::vector<uint64_t>> runs;
};

}  // namespace

TEST_CASE("wake_gathering: wakes go over per sink in runs, in order, the rest at the end",
          "[wake_gathering]") {
  auto a = std::make_shared<recording_sink>();
  auto b = std::make_shared<recording_sink>();
  std::vector<uint64_t> to_a;
  std::vector<uint64_t> to_b;
  {
    wake_gathering gathered;
    for (uint64_t i = 0; i < 150; ++i) {
      auto& sink = i % 3 == 0 ? *b : *a;
      REQUIRE(wake_gathering::gather(sink, i));
      (i % 3 == 0 ? to_b : to_a).push_back(i);
    }
    CHECK(a->runs.size() == 1);  // A full run went over while the loop went on.
    CHECK(a->runs[0].size() == 64);
    CHECK(b->runs.empty());
  }
  CHECK(a->all_gathered() == to_a);
  CHECK(b->all_gathered() == to_b);
  CHECK(b->runs.size() == 1);
  CHECK(a->single.empty());
  CHECK(b->single.empty());
  CHECK_FALSE(wake_gathering::gather(*a, 1));  // Ended: nothing is gathered any more.
}

TEST_CASE("wake_gathering: a sink is held until its wakes have gone over", "[wake_gathering]") {
  bool gone = false;
  std::vector<uint64_t> seen;
  {
    wake_gathering gathered;
    auto sink = std::make_shared<recording_sink>(true, &gone);
    REQUIRE(wake_gathering::gather(*sink, 7));
    sink.reset();  // Its owner lets go mid-loop (a server stopping).
    CHECK_FALSE(gone);
  }
  CHECK(gone);  // Released once the gathering handed its wake over.
}

TEST_CASE("wake_gathering: no gathering, or a sink it cannot hold, means a wake at once",
          "[wake_gathering]") {
  auto unholdable = std::make_shared<recording_sink>(false);
  auto box = std::make_shared<outbox>(outbox_limits{}, stream_format::raw, nullptr);
  box->attach_writer(*unholdable, 42);
  auto note = shared_note::make("notifications/message", R"({"n":1})");
  {
    wake_gathering gathered;
    box->offer(note, overflow_policy::drop_oldest);
  }
  REQUIRE(unholdable->single.size() == 1);
  CHECK(unholdable->single[0].token == 42);
  CHECK_FALSE(unholdable->single[0].urgent);
  CHECK(unholdable->runs.empty());

  auto holdable = std::make_shared<recording_sink>();
  auto other = std::make_shared<outbox>(outbox_limits{}, stream_format::raw, nullptr);
  other->attach_writer(*holdable, 9);
  other->offer(note, overflow_policy::drop_oldest);  // No gathering on this thread.
  REQUIRE(holdable->single.size() == 1);
  CHECK(holdable->runs.empty());
}

TEST_CASE("wake_gathering: an outbox gathers note wakes, never urgent ones", "[wake_gathering]") {
  auto sink = std::make_shared<recording_sink>();
  auto box = std::make_shared<outbox>(outbox_limits{}, stream_format::raw, nullptr);
  box->attach_writer(*sink, 5);
  {
    wake_gathering gathered;
    box->offer(shared_note::make("notifications/message", R"({"n":1})"),
               overflow_policy::drop_oldest);
    CHECK(sink->single.empty());
    box->push_control(R"({"jsonrpc":"2.0","id":1,"result":{}})");  // An answer: at once.
    REQUIRE(sink->single.size() == 1);
    CHECK(sink->single[0].urgent);
  }
  REQUIRE(sink->runs.size() == 1);
  CHECK(sink->runs[0] == std::vector<uint64_t>{5});
}

TEST_CASE("wake_gathering: a nested gathering hands over nothing before the outermost ends",
          "[wake_gathering]") {
  auto sink = std::make_shared<recording_sink>();
  {
    wake_gathering outer;
    {
      wake_gathering inner;
      REQUIRE(wake_gathering::gather(*sink, 1));
    }
    CHECK(sink->runs.empty());
    REQUIRE(wake_gathering::gather(*sink, 2));
  }
  REQUIRE(sink->runs.size() == 1);
  CHECK(sink->runs[0] == std::vector<uint64_t>{1, 2});
}
