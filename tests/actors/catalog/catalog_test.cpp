// The catalog: registration rules, order, and argument validation messages.
#include "actors/catalog/catalog.hpp"

#include <catch2/catch.hpp>

using namespace mcprt;
using namespace mcprt::actors::catalog;

namespace {

tool_definition tool(std::string name, std::string title = {}, std::string description = {},
                     std::string schema = R"({"type":"object","properties":{}})") {
  tool_definition d;
  d.name = std::move(name);
  d.title = std::move(title);
  d.description = std::move(description);
  d.input_schema = std::move(schema);
  return d;
}

catalog_ptr with(const std::vector<tool_definition>& defs) {
  catalog_builder b;
  for (auto& d : defs) {
    REQUIRE_FALSE(b.add(d, tool_actor{}));
  }
  return b.build();
}

std::optional<std::string> check(const catalog& c, std::string_view tool, const char* args) {
  rapidjson::Document d;
  d.Parse(args);
  return c.validate(*c.find(tool), &d);
}

const char* person = R"({"type":"object","properties":{"name":{"type":"string"},
  "age":{"type":"integer","minimum":0}},"required":["name","age"],"additionalProperties":false})";

}  // namespace

TEST_CASE("catalog lists tools sorted by name and finds them", "[actors][catalog]") {
  auto c = with({tool("zeta", {}, "z"), tool("alpha", {}, "a"), tool("mid", {}, "m")});
  REQUIRE(c->tools().size() == 3);
  CHECK(c->tools()[0].definition.name == "alpha");
  CHECK(c->tools()[2].definition.name == "zeta");
  CHECK(c->find("mid") != nullptr);
  CHECK(c->find("nope") == nullptr);
  CHECK(c->upper_bound("alpha") == 1);
}

TEST_CASE("catalog refuses bad names, duplicates and broken schemas", "[actors][catalog]") {
  catalog_builder b;
  CHECK(b.add(tool("bad name!"), tool_actor{}));
  CHECK(b.add(tool(std::string(65, 'x')), tool_actor{}));
  CHECK_FALSE(b.add(tool("ok"), tool_actor{}));
  CHECK(b.add(tool("ok"), tool_actor{}));
  CHECK(b.add(tool("schema", {}, "", "not json"), tool_actor{}));
}

TEST_CASE("a restarted plugin's registrations join the catalog unless a name clashes",
          "[actors][catalog]") {
  catalog_builder mine;
  REQUIRE_FALSE(mine.add(tool("kept"), tool_actor{}));
  catalog_builder fresh;
  REQUIRE_FALSE(fresh.add(tool("new"), tool_actor{}));
  std::vector<std::string> changed;
  CHECK_FALSE(mine.add_all(*fresh.build(), changed));
  CHECK(changed == std::vector<std::string>{"tools"});
  CHECK(mine.build()->find("new") != nullptr);
  // The same again clashes: nothing is added, and the error names the tool.
  changed.clear();
  auto err = mine.add_all(*fresh.build(), changed);
  REQUIRE(err);
  CHECK_THAT(caf::to_string(err.context()), Catch::Contains("new"));
  CHECK(changed.empty());
}

TEST_CASE("catalog serves schemas verbatim in the listing", "[actors][catalog]") {
  auto c =
      with({tool("t", "T", "d",
                 R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object"})")});
  CHECK_THAT(c->tools()[0].listing_json,
             Catch::Contains(R"("$schema":"https://json-schema.org/draft/2020-12/schema")"));
  CHECK_THAT(c->tools()[0].listing_json, Catch::Contains(R"("title":"T")"));
}

TEST_CASE("validation names a missing required field", "[actors][catalog][schema]") {
  auto c = with({tool("p", {}, "", person)});
  auto err = check(*c, "p", R"({"name":"x"})");
  REQUIRE(err);
  CHECK_THAT(*err, Catch::Contains("missing required field 'age'"));
}

TEST_CASE("validation names a field of the wrong type and its pointer",
          "[actors][catalog][schema]") {
  auto c = with({tool("p", {}, "", person)});
  auto err = check(*c, "p", R"({"name":5,"age":1})");
  REQUIRE(err);
  CHECK_THAT(*err, Catch::Contains("/name") && Catch::Contains("'type'"));
  auto range = check(*c, "p", R"({"name":"x","age":-1})");
  REQUIRE(range);
  CHECK_THAT(*range, Catch::Contains("/age") && Catch::Contains("'minimum'"));
}

TEST_CASE("validation names an unexpected field", "[actors][catalog][schema]") {
  auto c = with({tool("p", {}, "", person)});
  auto err = check(*c, "p", R"({"name":"x","age":1,"extra":true})");
  REQUIRE(err);
  CHECK_THAT(*err, Catch::Contains("unexpected field 'extra'"));
}

TEST_CASE("validation accepts good arguments and treats none as {}", "[actors][catalog][schema]") {
  auto c = with({tool("p", {}, "", person), tool("free")});
  CHECK_FALSE(check(*c, "p", R"({"name":"x","age":3})"));
  CHECK_FALSE(c->validate(*c->find("free"), nullptr));
  CHECK(c->validate(*c->find("p"), nullptr));
}

TEST_CASE("2020-12 $defs with $ref are enforced", "[actors][catalog][schema]") {
  auto c = with({tool("s", {}, "", R"({"$schema":"https://json-schema.org/draft/2020-12/schema",
    "type":"object","$defs":{"address":{"type":"object","properties":{"city":{"type":"string"}}}},
    "properties":{"address":{"$ref":"#/$defs/address"}},"additionalProperties":false})")});
  CHECK_FALSE(check(*c, "s", R"({"address":{"city":"Oslo"}})"));
  auto err = check(*c, "s", R"({"address":{"city":7}})");
  REQUIRE(err);
  CHECK_THAT(*err, Catch::Contains("/address/city"));
}

TEST_CASE("2020-12 const and numeric exclusive bounds are enforced", "[actors][catalog][schema]") {
  auto c = with({tool("k", {}, "", R"({"type":"object","properties":{
    "c":{"const":"only"},"n":{"type":"number","exclusiveMinimum":5},
    "const":{"type":"string"}}})")});
  CHECK(check(*c, "k", R"({"c":"other"})"));
  CHECK_FALSE(check(*c, "k", R"({"c":"only"})"));
  CHECK(check(*c, "k", R"({"n":5})"));
  CHECK_FALSE(check(*c, "k", R"({"n":5.5})"));
  auto both = with({tool("b", {}, "", R"({"type":"object","properties":{
    "lo":{"type":"number","minimum":10,"exclusiveMinimum":5},
    "hi":{"type":"number","maximum":10,"exclusiveMaximum":10}}})")});
  CHECK(check(*both, "b", R"({"lo":7})"));
  CHECK_FALSE(check(*both, "b", R"({"lo":10})"));
  CHECK(check(*both, "b", R"({"hi":10})"));
  CHECK_FALSE(check(*both, "b", R"({"hi":9.9})"));
  // A property that is merely named "const" is not rewritten.
  CHECK(check(*c, "k", R"({"const":1})"));
}

TEST_CASE("if/then/else, contains, dependents and prefixItems are enforced (rewritten)",
          "[actors][catalog][schema]") {
  auto c = with({tool("k", {}, "", R"({"type":"object",
    "dependentRequired":{"a":["b"]},
    "dependentSchemas":{"d":{"required":["e"]}},
    "if":{"properties":{"a":{"const":1}},"required":["a"]},"then":{"required":["z"]},
    "else":{"properties":{"z":{"type":"string"}}},
    "properties":{"list":{"type":"array","prefixItems":[{"type":"string"}],
                          "items":{"type":"integer"}},
                  "tags":{"type":"array","contains":{"const":"x"}}}})")});
  CHECK(check(*c, "k", R"({"a":1,"z":0})"));  // dependentRequired: b missing
  CHECK_FALSE(check(*c, "k", R"({"a":1,"b":0,"z":0})"));
  CHECK(check(*c, "k", R"({"a":1,"b":0})"));  // then: z required
  CHECK(check(*c, "k", R"({"z":5})"));        // else: z a string
  CHECK_FALSE(check(*c, "k", R"({"z":"s"})"));
  CHECK(check(*c, "k", R"({"d":1})"));  // dependentSchemas
  CHECK_FALSE(check(*c, "k", R"({"d":1,"e":2})"));
  CHECK(check(*c, "k", R"({"list":[1]})"));        // prefixItems
  CHECK(check(*c, "k", R"({"list":["s","t"]})"));  // items after the prefix
  CHECK_FALSE(check(*c, "k", R"({"list":["s",2,3]})"));
  CHECK(check(*c, "k", R"({"tags":["y"]})"));  // contains
  CHECK(check(*c, "k", R"({"tags":[]})"));
  CHECK_FALSE(check(*c, "k", R"({"tags":["y","x"]})"));
}

TEST_CASE("keywords without a draft-04 form are not enforced (documented)",
          "[actors][catalog][schema]") {
  // docs/plugins.md lists these; this test fails when one starts being enforced, which is the
  // moment to update the docs.
  auto c = with({tool("k", {}, "", R"({"type":"object",
    "propertyNames":{"maxLength":2},
    "properties":{"tags":{"type":"array","contains":{"const":"x"},"maxContains":1}}})")});
  CHECK_FALSE(check(*c, "k", R"({"long-name":1})"));
  CHECK_FALSE(check(*c, "k", R"({"tags":["x","x"]})"));
}

TEST_CASE("schemas RapidJSON 1.1 would crash on are rewritten to forms it validates",
          "[actors][catalog][schema]") {
  // Boolean subschemas (draft 6 on) in allOf/anyOf/oneOf/not, and a key matching
  // patternProperties beside additionalProperties: false, crash RapidJSON's validator as is.
  auto c =
      with({tool("b", {}, "", R"({"type":"object","properties":{
      "any":{"anyOf":[{"type":"string"},true]},"all":{"allOf":[true]},"none":{"not":true},
      "never":false,"tuple":{"type":"array","items":[true,false]}}})"),
            tool("m", {}, "", R"({"type":"object","patternProperties":{"^a":{"type":"integer"}},
      "additionalProperties":false})")});
  CHECK_FALSE(check(*c, "b", R"({"any":1,"all":2})"));
  CHECK(check(*c, "b", R"({"none":1})"));
  CHECK(check(*c, "b", R"({"never":1})"));
  CHECK_FALSE(check(*c, "b", R"({"tuple":[1]})"));
  CHECK(check(*c, "b", R"({"tuple":[1,2]})"));
  CHECK_FALSE(check(*c, "m", R"({"arm":1})"));
  CHECK(check(*c, "m", R"({"arm":"x"})"));
  auto extra = check(*c, "m", R"({"b":1})");
  REQUIRE(extra);
  CHECK_THAT(*extra, Catch::Contains("unexpected field 'b'"));
}

TEST_CASE("a pattern whose repetitions would take the server's memory is refused",
          "[actors][catalog][schema]") {
  catalog_builder b;
  auto err = b.add(tool("big", {}, "", R"({"type":"object","properties":{"s":{"type":"string",
      "pattern":"^[a-z]{5133333333333333332}$"}}})"),
                   tool_actor{});
  REQUIRE(err);
  CHECK_THAT(caf::to_string(err), Catch::Contains("repeats too much"));
  CHECK(b.add(tool("nested", {}, "", R"({"type":"object","patternProperties":{
      "^((a{200}){200})$":{}}})"),
              tool_actor{}));
  CHECK(b.add(tool("typed", {}, "", R"({"type":"object","patternProperties":"object"})"),
              tool_actor{}));
  CHECK_FALSE(b.add(tool("fine", {}, "", R"({"type":"object","properties":{"s":{"type":"string",
      "pattern":"^[a-z]{2}-[0-9]{1,8}\\{3}$"}}})"),
                    tool_actor{}));
}

TEST_CASE("a $ref cycle that never descends is refused, recursion through a property is fine",
          "[actors][catalog][schema]") {
  catalog_builder b;
  for (const char* endless : {
           R"({"type":"object","allOf":[{"$ref":"#"}]})",
           R"({"type":"object","dependentSchemas":{"r":{"$ref":"#"}}})",
           R"({"type":"object","$defs":{"a":{"$ref":"#/$defs/b"},"b":{"not":{"$ref":"#/$defs/a"}}},
              "properties":{"x":{"$ref":"#/$defs/a"}}})",
       }) {
    auto err = b.add(tool("endless", {}, "", endless), tool_actor{});
    REQUIRE(err);
    CHECK_THAT(caf::to_string(err), Catch::Contains("never end"));
  }
  CHECK_FALSE(b.add(tool("tree", {}, "", R"({"type":"object","properties":{
      "child":{"$ref":"#"},"kids":{"type":"array","items":{"$ref":"#"}}}})"),
                    tool_actor{}));
  auto c = b.build();
  CHECK_FALSE(check(*c, "tree", R"({"child":{"kids":[{"child":{}}]}})"));
  CHECK(check(*c, "tree", R"({"child":{"kids":[1]}})"));
}

TEST_CASE("patterns are read before RapidJSON's regex engine sees them",
          "[actors][catalog][schema]") {
  auto with_pattern = [](const std::string& pattern) {
    std::string quoted;
    for (char c : pattern) {
      quoted += c == '\\' ? std::string("\\\\") : std::string(1, c);
    }
    return tool(
        "p", {}, "",
        R"({"type":"object","properties":{"s":{"type":"string","pattern":")" + quoted + R"("}}})");
  };
  for (const char* good : {"^[a-z0-9_-]+$", "^[A-Z]{2}-[0-9]{1,8}$", "a|b|(c|d)?", "x\\.y",
                           "^(https?)://[^/]+/.*$", "[\\]]", "^$"}) {
    catalog_builder b;
    INFO(good);
    CHECK_FALSE(b.add(with_pattern(good), tool_actor{}));
  }
  for (const char* bad : {"a||b", "|a", "a|", "()", "(a", "a)", "*a", "a**", "[]", "[a", "a{,}",
                          "a{1,2,3}", "a^b", "x\\"}) {
    catalog_builder b;
    INFO(bad);
    auto err = b.add(with_pattern(bad), tool_actor{});
    REQUIRE(err);
    CHECK_THAT(caf::to_string(err), Catch::Contains("regex syntax"));
  }
}

TEST_CASE("a keyword whose value is not a schema where one belongs is refused",
          "[actors][catalog][schema]") {
  for (const char* bad :
       {R"({"type":"object","allOf":["x"]})", R"({"type":"object","not":3})",
        R"({"type":"object","if":"x"})", R"({"type":"object","properties":{"a":1}})",
        R"({"type":"object","properties":{"a":{"items":[7]}}})"}) {
    catalog_builder b;
    INFO(bad);
    auto err = b.add(tool("bad", {}, "", bad), tool_actor{});
    REQUIRE(err);
    CHECK_THAT(caf::to_string(err), Catch::Contains("must be"));
  }
}
