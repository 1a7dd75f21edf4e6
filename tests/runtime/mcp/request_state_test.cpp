// Sealed MRTR requestState: opens only unaltered, and only for the caller it was sealed for.
#include "runtime/mcp/request_state.hpp"

#include <catch2/catch.hpp>

#include "runtime/mcp/ids.hpp"

using namespace mcprt;

TEST_CASE("requestState opens only unaltered and for its owner", "[request_state]") {
  auto sealed = request_state::seal("round-2", "issuer\nalice");
  CHECK(request_state::open(sealed, "issuer\nalice") == "round-2");
  CHECK_FALSE(request_state::open(sealed, "issuer\nbob"));
  CHECK_FALSE(request_state::open(sealed));  // Anonymous is another owner too.
  auto tampered = sealed;
  tampered[0] = tampered[0] == 'A' ? 'B' : 'A';
  CHECK_FALSE(request_state::open(tampered, "issuer\nalice"));
  auto anonymous = request_state::seal("x");
  CHECK(request_state::open(anonymous) == "x");
  CHECK_FALSE(request_state::open("no-dot"));
}

TEST_CASE("nodes with the same keys open each other's state, rotation keeps the previous",
          "[request_state]") {
  // The process holds one set of keys: this test sets them, as a node does at start.
  request_state::use_keys("cluster-key-one-0123456789abcdef0123456789");
  auto by_one = request_state::seal("round-2", "alice");
  CHECK(request_state::open(by_one, "alice") == "round-2");  // Any node with key one.

  request_state::use_keys("cluster-key-two-0123456789abcdef0123456789",
                          "cluster-key-one-0123456789abcdef0123456789");
  CHECK(request_state::open(by_one, "alice") == "round-2");  // Sealed before the rotation.
  auto by_two = request_state::seal("round-3", "alice");
  CHECK(request_state::open(by_two, "alice") == "round-3");

  request_state::use_keys("cluster-key-three-0123456789abcdef012345678");
  CHECK_FALSE(request_state::open(by_one, "alice"));  // Two rotations later: gone.
  CHECK_FALSE(request_state::open(by_two, "alice"));
  request_state::use_keys(random_hex(32));
}
