// Wakes gathered from a producer thread all run, once each and in order, where the I/O
// context runs; fewer drains are posted than wakes; after stop() nothing more runs.
#include "transport/wake_batch.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

using mcprt::transport::wake_batch;

TEST_CASE("wake_batch: every wake runs once, in order, in a few drains", "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  std::vector<int> ran;
  std::thread producer([&] {
    for (int i = 0; i < 200; ++i) {  // More than one drain's chunk.
      wakes->add([&ran, i] { ran.push_back(i); });
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

TEST_CASE("wake_batch: after stop() wakes are dropped", "[wake_batch]") {
  boost::asio::io_context ioc;
  auto wakes = std::make_shared<wake_batch>(ioc);
  int ran = 0;
  wakes->add([&] { ++ran; });
  wakes->stop();
  wakes->add([&] { ++ran; });
  ioc.run();
  CHECK(ran == 0);
}
