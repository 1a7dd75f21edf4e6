// The flush window holds a woken writer for its interval, lets urgent work through at once,
// and opens a new window only after the writer found nothing queued.
#include "transport/flush_window.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>

using mcprt::transport::flush_window;
using namespace std::chrono_literals;

TEST_CASE("flush_window: holds, then runs the writer once when the window closes", "[flush]") {
  boost::asio::io_context ioc;
  flush_window w(ioc.get_executor());
  int writes = 0;
  auto write = [&] { ++writes; };
  CHECK(w.hold(2ms, false, write));
  CHECK(w.hold(2ms, false, write));  // Woken again inside the window: still one timer.
  ioc.run();
  CHECK(writes == 1);
  CHECK_FALSE(w.hold(2ms, false, write));  // Open until the writer finds nothing queued.
  w.idle();
  CHECK(w.hold(2ms, false, write));
  ioc.restart();
  ioc.run();
  CHECK(writes == 2);
}

TEST_CASE("flush_window: urgent work and a zero window never wait", "[flush]") {
  boost::asio::io_context ioc;
  flush_window w(ioc.get_executor());
  int writes = 0;
  auto write = [&] { ++writes; };
  CHECK_FALSE(w.hold(0us, false, write));
  w.idle();
  CHECK(w.hold(1s, false, write));
  CHECK_FALSE(w.hold(1s, true, write));  // An answer arrives while holding: write now.
  ioc.run();                             // The cancelled timer does not write again.
  CHECK(writes == 0);
}

TEST_CASE("flush_window: cancel ends a held window without writing", "[flush]") {
  boost::asio::io_context ioc;
  flush_window w(ioc.get_executor());
  int writes = 0;
  CHECK(w.hold(1s, false, [&] { ++writes; }));
  w.cancel();
  ioc.run();
  CHECK(writes == 0);
}
