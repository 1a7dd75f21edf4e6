// The registry a draining server ends its streams through.
#include "transport/open_streams.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

using namespace mcprt::transport;
using std::chrono::milliseconds;

TEST_CASE("end_all asks every open stream once, with the retry hint", "[transport][drain]") {
  open_streams streams;
  std::vector<long> asked;
  auto a = streams.add([&](milliseconds r) { asked.push_back(1000 + r.count()); });
  auto b = streams.add([&](milliseconds r) { asked.push_back(2000 + r.count()); });
  streams.add([&](milliseconds r) { asked.push_back(3000 + r.count()); });
  streams.forget(b);
  streams.forget(b);  // Harmless.
  CHECK(streams.open() == 2);
  CHECK(streams.end_all(milliseconds(7)) == 2);
  std::sort(asked.begin(), asked.end());
  CHECK(asked == std::vector<long>{1007, 3007});
  streams.forget(a);
  CHECK(streams.open() == 1);
}

TEST_CASE("a stream opened while the server drains is ended at once", "[transport][drain]") {
  open_streams streams;
  streams.end_all(milliseconds(5));
  long asked = 0;
  auto t = streams.add([&](milliseconds r) { asked = r.count(); });
  CHECK(asked == 5);
  CHECK(streams.open() == 1);  // Until the stream says it has ended.
  streams.forget(t);
  CHECK(streams.open() == 0);
}
