// Sealed MRTR requestState: opens only unaltered, and only for the caller it was sealed for.
#include "runtime/mcp/request_state.hpp"

#include <catch2/catch.hpp>

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
