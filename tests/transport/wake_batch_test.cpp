// Wakes gathered from a producer thread all run, once each and in order, where the I/O
// context runs; fewer drains are posted than wakes; a connection gone by then is skipped;
// after stop() nothing more runs; a batch begun by a note waits the flush window unless an
// urgent wake ends it.
#include "transport/wake_batch.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <thread>
#include <vector>

using mcprt::transport::wake_batch;
using mcprt::transport::wakeable;

namespace {

// Stands for a connection: records its number when resumed.
struct recorder final : wakeable {
  recorder(std::vector<int>& ran, int number) : ran(ran), number(number) {}
  void resume() override { ran.push_back(number); }
  std::vector<int>& ran;
  int number;
};

}  // namespace

TEST_CASE("wake_batch: every wake runs once, in order, in a few drains", "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  std::vector<int> ran;
  std::vector<std::shared_ptr<recorder>> connections;
  connections.reserve(200);
  for (int i = 0; i < 200; ++i) {  // More than one drain's chunk.
    connections.push_back(std::make_shared<recorder>(ran, i));
  }
  std::thread producer([&] {
    for (const auto& c : connections) {
      wakes->add(c);
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

TEST_CASE("wake_batch: a connection gone before its drain is skipped", "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  std::vector<int> ran;
  auto stays = std::make_shared<recorder>(ran, 1);
  auto goes = std::make_shared<recorder>(ran, 2);
  wakes->add(goes);
  wakes->add(stays);
  goes.reset();
  ioc.run();
  CHECK(ran == std::vector<int>{1});
}

TEST_CASE("wake_batch: wakes that come during a drain run in a later one", "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  std::vector<int> ran;
  auto second = std::make_shared<recorder>(ran, 2);
  // Resumed first, it wakes another connection, as a write that frees a queue might.
  struct waker final : wakeable {
    waker(std::vector<int>& ran, wake_batch& wakes, std::shared_ptr<recorder> next)
        : ran(ran), wakes(wakes), next(std::move(next)) {}
    void resume() override {
      ran.push_back(1);
      wakes.add(next);
    }
    std::vector<int>& ran;
    wake_batch& wakes;
    std::shared_ptr<recorder> next;
  };
  auto first = std::make_shared<waker>(ran, *wakes, second);
  wakes->add(first);
  ioc.run();
  CHECK(ran == std::vector<int>{1, 2});
}

TEST_CASE("wake_batch: after stop() wakes are dropped", "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  std::vector<int> ran;
  auto connection = std::make_shared<recorder>(ran, 1);
  wakes->add(connection);
  wakes->stop();
  wakes->add(connection);
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
  auto a = std::make_shared<recorder>(ran, 1);
  auto b = std::make_shared<recorder>(ran, 2);
  auto began = std::chrono::steady_clock::now();
  wakes->add(a, false);
  wakes->add(b, false);  // Joins the held batch.
  ioc.run();
  CHECK(std::chrono::steady_clock::now() - began >= std::chrono::milliseconds(30));
  CHECK(ran == std::vector<int>{1, 2});
}

TEST_CASE("wake_batch: an urgent wake does not wait, and ends a window under way", "[wake_batch]") {
  boost::asio::io_context ioc;
  boost::asio::steady_timer timer(ioc);
  auto wakes = std::make_shared<wake_batch>(ioc);
  wakes->hold_notes(timer, [] { return std::chrono::hours(1); });
  std::vector<int> ran;
  auto a = std::make_shared<recorder>(ran, 1);
  auto b = std::make_shared<recorder>(ran, 2);
  wakes->add(a, true);  // Begins a batch: no window.
  ioc.run();            // Returns: nothing waits an hour.
  CHECK(ran == std::vector<int>{1});
  wakes->add(a, false);  // A note begins a held batch ...
  wakes->add(b, true);   // ... an answer ends it.
  ioc.restart();
  ioc.run();
  CHECK(ran == std::vector<int>{1, 1, 2});
}
