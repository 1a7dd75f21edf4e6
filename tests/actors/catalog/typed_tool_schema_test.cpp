#include <catch2/catch.hpp>

#include "actors/catalog/catalog.hpp"
#include "support/trip_args.hpp"

using namespace mcprt;
using namespace mcprt::test;

TEST_CASE("typed tool: the catalog validates against the generated schema", "[api][typed_tool]") {
  auto spec =
      typed_tool<trip_args>("trip", "Plans a trip.", [](const trip_args&, tool_invocation&) {});
  actors::catalog::catalog_builder builder;
  REQUIRE_FALSE(builder.add(spec.definition, tool_actor{}, spec.handler, runner_actor{}));
  auto catalog = builder.build();
  const auto* tool = catalog->find("trip");
  REQUIRE(tool != nullptr);
  CHECK_FALSE(catalog->validate(*tool, parse_json(R"({"city":"Oslo","budget":10})").get()));
  CHECK(catalog->validate(*tool, parse_json(R"({"city":"Oslo","budget":10,"days":15})").get()));
  CHECK(catalog->validate(*tool, parse_json(R"({"city":"Oslo","budget":10,"party":40000})").get()));
  CHECK(catalog->validate(*tool, parse_json(R"({"city":"Oslo"})").get()));
  CHECK(catalog->validate(*tool, parse_json(R"({"city":"Oslo","budget":1,"extra":1})").get()));
}
