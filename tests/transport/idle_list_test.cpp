// The idle list expires connections in the order they began to wait, under the timeout it
// reads at each sweep, and never one that stopped waiting.
#include "transport/idle_list.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

using mcprt::transport::idle_list;
using mcprt::transport::idle_watcher;
using namespace std::chrono_literals;

namespace {

struct connection final : idle_watcher {
  connection(std::string name, std::vector<std::string>& expired)
      : name(std::move(name)), expired(expired) {}
  void idle_expired() override { expired.push_back(name); }
  std::string name;
  std::vector<std::string>& expired;
};

}  // namespace

TEST_CASE("idle_list: expires waiters in order, skipping those that stopped", "[idle_list]") {
  boost::asio::io_context ioc;
  boost::asio::steady_timer timer(ioc);
  auto timeout = 5ms;
  auto list = std::make_shared<idle_list>(timer, [&] { return timeout; });
  std::vector<std::string> expired;
  connection a("a", expired), b("b", expired), c("c", expired), d("d", expired);
  list->watch(a);
  list->watch(b);
  list->watch(c);
  list->watch(d);
  list->forget(b);  // Middle.
  list->forget(d);  // Tail.
  list->forget(d);  // Twice: no-op.
  CHECK(list->size() == 2);
  ioc.run();  // Ends once the timer has nothing left to wait for.
  CHECK(expired == std::vector<std::string>{"a", "c"});
  CHECK(list->size() == 0);

  list->watch(b);  // Waits again after its request.
  list->forget(b);
  list->watch(d);
  ioc.restart();
  ioc.run();
  CHECK(expired == std::vector<std::string>{"a", "c", "d"});
}

TEST_CASE("idle_list: a shorter timeout (SIGHUP) holds for those already waiting", "[idle_list]") {
  boost::asio::io_context ioc;
  boost::asio::steady_timer timer(ioc);
  std::chrono::milliseconds timeout = 1h;
  auto list = std::make_shared<idle_list>(timer, [&] { return timeout; });
  std::vector<std::string> expired;
  connection a("a", expired), b("b", expired);
  list->watch(a);
  timeout = 2ms;
  list->watch(b);  // Re-arms the timer for the new, earlier expiry.
  ioc.run();
  CHECK(expired == std::vector<std::string>{"a", "b"});
}

TEST_CASE("idle_list: a list gone before its timer fires expires nothing", "[idle_list]") {
  boost::asio::io_context ioc;
  boost::asio::steady_timer timer(ioc);
  std::vector<std::string> expired;
  connection a("a", expired);
  auto list = std::make_shared<idle_list>(timer, [] { return 1ms; });
  list->watch(a);
  list.reset();
  ioc.run();
  CHECK(expired.empty());
}
