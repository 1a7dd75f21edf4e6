// The per-address connection count behind limits.maxConnectionsPerAddress.
#include "transport/address_limiter.hpp"

#include <catch2/catch.hpp>
#include <vector>

using mcprt::transport::address_limiter;

TEST_CASE("an address gets at most its cap of slots, and a closed one frees a place",
          "[transport][limiter]") {
  auto limiter = std::make_shared<address_limiter>(2);
  auto a = limiter->admit("10.0.0.1");
  auto b = limiter->admit("10.0.0.1");
  REQUIRE(a);
  REQUIRE(b);
  CHECK_FALSE(limiter->admit("10.0.0.1"));
  CHECK(limiter->admit("10.0.0.2"));  // Another address counts apart.
  CHECK(limiter->open("10.0.0.1") == 2);
  a.reset();
  CHECK(limiter->open("10.0.0.1") == 1);
  CHECK(limiter->admit("10.0.0.1"));
}

TEST_CASE("without a cap every connection gets a slot, and is counted for a later cap",
          "[transport][limiter]") {
  auto limiter = std::make_shared<address_limiter>(0);
  std::vector<address_limiter::slot> held;
  for (int i = 0; i < 1000; ++i) {
    held.push_back(limiter->admit("10.0.0.1"));
    REQUIRE(held.back());
  }
  CHECK(limiter->open("10.0.0.1") == 1000);
  held.clear();
  CHECK(limiter->open("10.0.0.1") == 0);
}

TEST_CASE("a new cap applies to the next connections, open ones keep their places",
          "[transport][limiter]") {
  auto limiter = std::make_shared<address_limiter>(0);
  auto a = limiter->admit("10.0.0.1");
  auto b = limiter->admit("10.0.0.1");
  limiter->set_cap(1);
  CHECK_FALSE(limiter->admit("10.0.0.1"));  // Two open already.
  CHECK(limiter->open("10.0.0.1") == 2);
  a.reset();
  b.reset();
  auto c = limiter->admit("10.0.0.1");
  CHECK(c);
  CHECK_FALSE(limiter->admit("10.0.0.1"));
  limiter->set_cap(0);
  CHECK(limiter->admit("10.0.0.1"));
}

TEST_CASE("a slot outlives the limiter's owner safely", "[transport][limiter]") {
  auto limiter = std::make_shared<address_limiter>(1);
  auto slot = limiter->admit("::1");
  limiter.reset();
  slot.reset();  // Gives its place back to a limiter only the slot kept alive.
  SUCCEED();
}
