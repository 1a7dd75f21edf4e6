// Ids that name their owner: the format a cluster routes by, and what is treated as local.
#include "runtime/mcp/ids.hpp"

#include <catch2/catch.hpp>
#include <regex>

using namespace mcprt;

TEST_CASE("a single node issues bare random ids", "[runtime][ids]") {
  id_issuer single;
  auto a = single.new_session_id();
  CHECK(std::regex_match(a, std::regex("[0-9a-f]{32}")));
  CHECK(a != single.new_session_id());
  CHECK(std::regex_match(single.new_task_id(), std::regex("[0-9a-f]{32}")));
  CHECK_FALSE(owner_of(a));
}

TEST_CASE("a cluster node's ids name it, and a session's its incarnation", "[runtime][ids]") {
  id_issuer n2{"n2", 0x9f1c03aa00000001};
  auto session = n2.new_session_id();
  CHECK(std::regex_match(session, std::regex(R"(n2\.9f1c03aa00000001\.[0-9a-f]{32})")));
  auto owner = owner_of(session);
  REQUIRE(owner);
  CHECK(owner->node == "n2");
  CHECK(owner->incarnation == 0x9f1c03aa00000001);

  auto task = n2.new_task_id();
  CHECK(std::regex_match(task, std::regex(R"(n2\.[0-9a-f]{32})")));
  owner = owner_of(task);
  REQUIRE(owner);
  CHECK(owner->node == "n2");
  CHECK_FALSE(owner->incarnation);
}

TEST_CASE("malformed prefixes are looked up locally (and so not found)", "[runtime][ids]") {
  for (const char* id : {"N2.abc", "n2.", ".abc", "n2.xyz", "n2.123.abc", "n2.9f1c03aa00000001.",
                         "a-very-long-node-name-x.abc", "n2.9f1c03aa0000000g.abc", "n2.a.b.c"}) {
    INFO(id);
    CHECK_FALSE(owner_of(id));
  }
  CHECK(hex64(0) == "0000000000000000");
  CHECK(hex64(0xffffffffffffffff) == "ffffffffffffffff");
}
