// The live catalog's one-change edits: a replacement never leaves a moment without the entry,
// and a refused change leaves everything as it was.
#include "actors/catalog/live_catalog.hpp"

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

using namespace mcprt;
using namespace mcprt::actors;

namespace {

tool_spec tool_named(std::string name, std::string description) {
  tool_spec t;
  t.definition.name = std::move(name);
  t.definition.description = std::move(description);
  t.handler = [](tool_invocation& inv) { inv.finish(text_result("ok")); };
  return t;
}

prompt_spec prompt_named(std::string name) {
  prompt_spec p;
  p.definition.name = std::move(name);
  p.handler = [](prompt_request& r) { r.finish({}); };
  return p;
}

}  // namespace

TEST_CASE("apply replaces entries in one snapshot", "[actors][catalog][live]") {
  test::world w;
  catalog::node_catalog live(*w.sys, w.tools, w.notes);
  REQUIRE_FALSE(live.add_tools({tool_named("x.a", "first"), tool_named("x.b", "first")}));
  REQUIRE_FALSE(live.add_prompts({prompt_named("x.p")}));
  auto before = w.tools->current();

  catalog_change change;
  change.remove_tools = {"x.a", "x.b", "x.gone-already"};
  change.add_tools = {tool_named("x.a", "second")};
  change.remove_prompts = {"x.p"};
  change.add_prompts = {prompt_named("x.q")};
  REQUIRE_FALSE(live.apply(change));

  auto after = w.tools->current();
  CHECK(after != before);  // One new snapshot holds the whole change...
  REQUIRE(after->find("x.a") != nullptr);
  CHECK(after->find("x.a")->definition.description == "second");
  CHECK(after->find("x.b") == nullptr);
  CHECK(after->find_prompt("x.p") == nullptr);
  CHECK(after->find_prompt("x.q") != nullptr);
  REQUIRE(before->find("x.a") != nullptr);  // ...and the old one is untouched.
  CHECK(before->find("x.a")->definition.description == "first");
}

TEST_CASE("a refused apply changes nothing", "[actors][catalog][live]") {
  test::world w;
  catalog::node_catalog live(*w.sys, w.tools, w.notes);
  REQUIRE_FALSE(live.add_tools({tool_named("x.a", "first")}));
  auto before = w.tools->current();

  catalog_change change;
  change.remove_tools = {"x.a"};
  change.add_tools = {tool_named("x.c", "new"), tool_named("echo", "clashes with demo's echo")};
  CHECK(live.apply(change));
  CHECK(w.tools->current() == before);
  CHECK(w.tools->current()->find("x.a") != nullptr);
  CHECK(w.tools->current()->find("x.c") == nullptr);
}
