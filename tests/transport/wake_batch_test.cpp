// Wakes gathered from a producer thread all run, once each and in order, where the I/O
// context runs; fewer drains are posted than wakes; a connection gone by then is skipped, and
// so is one that left, even once its slot is taken again; after stop() nothing more runs; a
// batch begun by a note waits the flush window (from the note's wake) unless an urgent wake
// ends it; a publish loop's gathered wakes arrive together, when the loop ends; each connection
// is warmed, then its parts, then resumed.
#include "transport/wake_batch.hpp"

#include <array>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/io/wake_gathering.hpp"

using mcprt::transport::wake_batch;
using mcprt::transport::wake_ticket;
using mcprt::transport::wakeable;

namespace {

// Stands for a connection: records its number when resumed.
struct recorder final : wakeable {
  recorder(std::vector<int>& ran, int number) : ran(ran), number(number) {}
  void resume() override { ran.push_back(number); }
  std::vector<int>& ran;
  int number;
};

// A connection and its place in a wake_batch, as a transport keeps them.
struct enrolled {
  enrolled(wake_batch& wakes, std::vector<int>& ran, int number)
      : connection(std::make_shared<recorder>(ran, number)), place(wakes.enroll(connection)) {}
  wake_ticket ticket() const { return place.ticket(); }
  std::shared_ptr<recorder> connection;
  wake_batch::enrollment place;
};

}  // namespace

TEST_CASE("wake_batch: every wake runs once, in order, in a few drains", "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  std::vector<int> ran;
  std::vector<std::unique_ptr<enrolled>> connections;
  connections.reserve(200);
  for (int i = 0; i < 200; ++i) {  // More than one drain's chunk.
    connections.push_back(std::make_unique<enrolled>(*wakes, ran, i));
  }
  std::thread producer([&] {
    for (const auto& c : connections) {
      wakes->add(c->ticket());
    }
  });
  producer.join();
  auto handlers = ioc.run();
  REQUIRE(ran.size() == 200);
  for (int i = 0; i < 200; ++i) {
    CHECK(ran[static_cast<size_t>(i)] == i);
  }
  CHECK(handlers < 200);  // Batched: 200 wakes queued together take a few drains.
}

TEST_CASE("wake_batch: a drain warms each connection, then its parts, then resumes it",
          "[wake_batch]") {
  // What each connection was asked, in the order asked: 'w' warm, 'p' warm_parts, 'r' resume.
  struct asked final : wakeable {
    asked(std::vector<std::pair<char, int>>& log, int number) : log(log), number(number) {}
    void warm() const override { log.emplace_back('w', number); }
    void warm_parts() const override { log.emplace_back('p', number); }
    void resume() override { log.emplace_back('r', number); }
    std::vector<std::pair<char, int>>& log;
    int number;
  };
  for (int n : {1, 3, 8, 9, 64, 65, 200}) {  // Shorter than the pipeline, a chunk, several.
    CAPTURE(n);
    boost::asio::io_context ioc;
    auto wakes = std::make_shared<wake_batch>(ioc);
    std::vector<std::pair<char, int>> log;
    std::vector<std::shared_ptr<asked>> connections;
    std::vector<wake_batch::enrollment> places;
    for (int i = 0; i < n; ++i) {
      connections.push_back(std::make_shared<asked>(log, i));
      places.push_back(wakes->enroll(connections.back()));
      wakes->add(places.back().ticket());
    }
    ioc.run();
    std::vector<int> resumed;
    std::vector<std::array<int, 3>> when(static_cast<size_t>(n), {-1, -1, -1});
    for (size_t at = 0; at < log.size(); ++at) {
      auto [what, who] = log[at];
      auto stage = what == 'w' ? 0 : what == 'p' ? 1 : 2;
      auto& first = when[static_cast<size_t>(who)][static_cast<size_t>(stage)];
      CHECK(first == -1);  // Once each.
      first = static_cast<int>(at);
      if (what == 'r') {
        resumed.push_back(who);
      }
    }
    REQUIRE(resumed.size() == static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      CHECK(resumed[static_cast<size_t>(i)] == i);
      const auto& w = when[static_cast<size_t>(i)];
      CHECK(w[0] < w[1]);
      CHECK(w[1] < w[2]);
    }
  }
}

TEST_CASE("wake_batch: a connection gone before its drain is skipped", "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  std::vector<int> ran;
  enrolled stays(*wakes, ran, 1);
  enrolled goes(*wakes, ran, 2);
  wakes->add(goes.ticket());
  wakes->add(stays.ticket());
  goes.connection.reset();  // Gone, its enrollment not yet: skipped all the same.
  ioc.run();
  CHECK(ran == std::vector<int>{1});
}

TEST_CASE("wake_batch: a ticket that left wakes nothing, even in its slot's next enrollment",
          "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  std::vector<int> ran;
  auto first = std::make_unique<enrolled>(*wakes, ran, 1);
  auto stale = first->ticket();
  wakes->add(stale);
  first.reset();  // Leaves before the drain.
  enrolled second(*wakes, ran, 2);
  CHECK(second.ticket().slot == stale.slot);  // The slot is taken again ...
  wakes->add(stale);                          // ... by someone the stale ticket must not wake.
  ioc.run();
  CHECK(ran.empty());
  wakes->add(second.ticket());
  ioc.restart();
  ioc.run();
  CHECK(ran == std::vector<int>{2});
}

TEST_CASE("wake_batch: an outbox's wake reaches the connection its token names", "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  std::vector<int> ran;
  enrolled other(*wakes, ran, 6);
  enrolled connection(*wakes, ran, 7);
  mcprt::outbox box({16, 1.0, 4}, mcprt::stream_format::raw, nullptr);
  box.attach_writer(*wakes, wake_batch::token(connection.ticket()));
  box.push_control(R"({"jsonrpc":"2.0","id":1,"result":{}})");
  ioc.run();
  CHECK(ran == std::vector<int>{7});
}

TEST_CASE("wake_batch: a publish loop's wakes reach the I/O thread only when the loop ends",
          "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  std::vector<int> ran;
  std::vector<std::unique_ptr<enrolled>> connections;
  std::vector<std::unique_ptr<mcprt::outbox>> boxes;
  for (int i = 0; i < 40; ++i) {
    connections.push_back(std::make_unique<enrolled>(*wakes, ran, i));
    boxes.push_back(std::make_unique<mcprt::outbox>(mcprt::outbox_limits{16, 1.0, 4},
                                                    mcprt::stream_format::raw, nullptr));
    boxes.back()->attach_writer(*wakes, wake_batch::token(connections.back()->ticket()));
  }
  auto note = mcprt::shared_note::make("notifications/message", R"({"n":1})");
  {
    mcprt::wake_gathering gathered;
    for (auto& box : boxes) {
      box->offer(note, mcprt::overflow_policy::drop_oldest);
    }
    // Forty wakes, less than a run: held by the loop, so no drain has been posted yet (woken
    // one by one, the first would have posted it).
    CHECK(ioc.poll() == 0);
    CHECK(ran.empty());
  }
  ioc.restart();
  auto handlers = ioc.run();
  REQUIRE(ran.size() == 40);
  for (int i = 0; i < 40; ++i) {
    CHECK(ran[static_cast<size_t>(i)] == i);
  }
  CHECK(handlers == 2);  // One drain resumes all forty; its next turn finds nothing and ends.
}

TEST_CASE("wake_batch: gathered wakes for a connection that left, or after stop(), do nothing",
          "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  std::vector<int> ran;
  auto stays = std::make_unique<enrolled>(*wakes, ran, 1);
  auto leaves = std::make_unique<enrolled>(*wakes, ran, 2);
  std::vector<uint64_t> tokens{wake_batch::token(stays->ticket()),
                               wake_batch::token(leaves->ticket())};
  leaves.reset();
  wakes->wake_notes(tokens);
  ioc.run();
  CHECK(ran == std::vector<int>{1});
  ioc.restart();
  wakes->stop();
  wakes->wake_notes(tokens);
  CHECK(ioc.run() == 0);
  CHECK(ran == std::vector<int>{1});
}

TEST_CASE("wake_batch: wakes that come during a drain run in a later one", "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  std::vector<int> ran;
  enrolled second(*wakes, ran, 2);
  // Resumed first, it wakes another connection, as a write that frees a queue might.
  struct waker final : wakeable {
    waker(std::vector<int>& ran, wake_batch& wakes, wake_ticket next)
        : ran(ran), wakes(wakes), next(next) {}
    void resume() override {
      ran.push_back(1);
      wakes.add(next);
    }
    std::vector<int>& ran;
    wake_batch& wakes;
    wake_ticket next;
  };
  auto first = std::make_shared<waker>(ran, *wakes, second.ticket());
  auto place = wakes->enroll(first);
  wakes->add(place.ticket());
  ioc.run();
  CHECK(ran == std::vector<int>{1, 2});
}

TEST_CASE("wake_batch: after stop() wakes are dropped", "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  std::vector<int> ran;
  enrolled connection(*wakes, ran, 1);
  wakes->add(connection.ticket());
  wakes->stop();
  wakes->add(connection.ticket());
  ioc.run();
  CHECK(ran.empty());
}

TEST_CASE("wake_batch: a batch begun by a note waits the flush window, then drains whole",
          "[wake_batch]") {
  boost::asio::io_context ioc;
  boost::asio::steady_timer timer(ioc);
  auto wakes = std::make_shared<wake_batch>(ioc);
  wakes->hold_notes(timer, [] { return std::chrono::milliseconds(30); });
  std::vector<int> ran;
  enrolled a(*wakes, ran, 1);
  enrolled b(*wakes, ran, 2);
  auto began = std::chrono::steady_clock::now();
  wakes->add(a.ticket(), false);
  wakes->add(b.ticket(), false);  // Joins the held batch.
  ioc.run();
  CHECK(std::chrono::steady_clock::now() - began >= std::chrono::milliseconds(30));
  CHECK(ran == std::vector<int>{1, 2});
}

TEST_CASE("wake_batch: the flush window counts from the note's wake, not from the drain's turn",
          "[wake_batch]") {
  boost::asio::io_context ioc;
  boost::asio::steady_timer timer(ioc);
  auto wakes = std::make_shared<wake_batch>(ioc);
  const auto window = std::chrono::milliseconds(50);
  wakes->hold_notes(timer, [window] { return window; });
  std::vector<int> ran;
  enrolled a(*wakes, ran, 1);
  wakes->add(a.ticket(), false);
  auto woken = std::chrono::steady_clock::now();
  // The I/O thread is busy elsewhere for a while before it opens the window.
  while (std::chrono::steady_clock::now() - woken < std::chrono::milliseconds(20)) {
  }
  ioc.poll();  // Opens the window; its end is not reached yet.
  CHECK(ran.empty());
  CHECK(timer.expiry() <= woken + window);  // Counted from the turn, it would end 20 ms later.
  ioc.run();
  CHECK(ran == std::vector<int>{1});
}

TEST_CASE("wake_batch: an urgent wake does not wait, and ends a window under way", "[wake_batch]") {
  boost::asio::io_context ioc;
  boost::asio::steady_timer timer(ioc);
  auto wakes = std::make_shared<wake_batch>(ioc);
  wakes->hold_notes(timer, [] { return std::chrono::hours(1); });
  std::vector<int> ran;
  enrolled a(*wakes, ran, 1);
  enrolled b(*wakes, ran, 2);
  wakes->add(a.ticket(), true);  // Begins a batch: no window.
  ioc.run();                     // Returns: nothing waits an hour.
  CHECK(ran == std::vector<int>{1});
  wakes->add(a.ticket(), false);  // A note begins a held batch ...
  wakes->add(b.ticket(), true);   // ... an answer ends it.
  ioc.restart();
  ioc.run();
  CHECK(ran == std::vector<int>{1, 1, 2});
}
