// ASCII case folding: letters only, never other bytes (a UTF-8 byte is not a letter here).
#include "runtime/codec/ascii.hpp"

#include <catch2/catch.hpp>

using mcprt::ascii_lowered;
using mcprt::icontains;
using mcprt::iequals;

TEST_CASE("ascii: lowers A-Z and leaves every other byte", "[ascii]") {
  CHECK(ascii_lowered("Application/JSON; Charset=UTF-8") == "application/json; charset=utf-8");
  CHECK(ascii_lowered("\xC3\x89@[`{") == "\xC3\x89@[`{");  // É in UTF-8, and A-Z's neighbours.
}

TEST_CASE("ascii: iequals and icontains ignore the case of letters only", "[ascii]") {
  CHECK(iequals("Text/Event-Stream", "text/event-stream"));
  CHECK_FALSE(iequals("text/event-stream ", "text/event-stream"));
  CHECK_FALSE(iequals("@", "`"));
  CHECK(icontains("Application/Json, TEXT/event-stream", "text/event-stream"));
  CHECK(icontains("x", ""));
  CHECK_FALSE(icontains("text/html", "text/event-stream"));
}
