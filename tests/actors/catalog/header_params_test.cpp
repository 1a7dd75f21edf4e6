// SEP-2243: x-mcp-header annotations read from an inputSchema, and Mcp-Param-* headers checked
// against a call's arguments.
#include "actors/catalog/header_params.hpp"

#include <catch2/catch.hpp>

#include "runtime/codec/json_parse.hpp"

using namespace mcprt;
using namespace mcprt::actors::catalog;

namespace {

rapidjson::Document doc(std::string_view text) {
  rapidjson::Document d;
  REQUIRE_FALSE(parse_json(d, text));
  return d;
}

std::vector<header_param> params(std::string_view schema) {
  auto d = doc(schema);
  auto r = header_params_of(d);
  REQUIRE(std::holds_alternative<std::vector<header_param>>(r));
  return std::get<std::vector<header_param>>(r);
}

std::string refusal(std::string_view schema) {
  auto d = doc(schema);
  auto r = header_params_of(d);
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

const char* sql = R"({"type":"object","properties":{
  "region":{"type":"string","x-mcp-header":"Region"},
  "limits":{"type":"object","properties":{"rows":{"type":"integer","x-mcp-header":"Rows"}}},
  "dry":{"type":"boolean","x-mcp-header":"Dry"},
  "query":{"type":"string"}}})";

}  // namespace

TEST_CASE("header params are read through properties chains, with their types",
          "[actors][header_params]") {
  auto p = params(sql);
  REQUIRE(p.size() == 3);
  CHECK(p[0].header == "Region");
  CHECK(p[0].path == std::vector<std::string>{"region"});
  CHECK(p[1].path == std::vector<std::string>{"limits", "rows"});
  CHECK(p[1].type == header_param::kind::integer);
  CHECK(p[2].type == header_param::kind::boolean);
  CHECK(params(R"({"type":"object","properties":{"q":{"type":"string"}}})").empty());
  // Data keywords may hold the key as data.
  CHECK(params(R"({"type":"object","default":{"x-mcp-header":"X"}})").empty());
}

TEST_CASE("invalid x-mcp-header annotations refuse the tool", "[actors][header_params]") {
  CHECK_THAT(
      refusal(R"({"type":"object","properties":{"a":{"type":"number","x-mcp-header":"A"}}})"),
      Catch::Contains("string, integer or boolean"));
  CHECK_THAT(refusal(R"({"type":"object","properties":{"a":{"type":"string","x-mcp-header":""}}})"),
             Catch::Contains("HTTP token"));
  CHECK_THAT(
      refusal(R"({"type":"object","properties":{"a":{"type":"string","x-mcp-header":"A B"}}})"),
      Catch::Contains("HTTP token"));
  CHECK_THAT(
      refusal(
          R"({"type":"object","properties":{"a":{"type":"string","x-mcp-header":"X"},"b":{"type":"string","x-mcp-header":"x"}}})"),
      Catch::Contains("declared twice"));
  CHECK_THAT(
      refusal(
          R"({"type":"object","properties":{"a":{"type":"array","items":{"type":"string","x-mcp-header":"A"}}}})"),
      Catch::Contains("not reachable"));
  CHECK_THAT(
      refusal(
          R"({"type":"object","oneOf":[{"properties":{"a":{"type":"string","x-mcp-header":"A"}}}]})"),
      Catch::Contains("not reachable"));
  CHECK_THAT(refusal(R"({"type":"string","x-mcp-header":"Root"})"), Catch::Contains("root"));
}

TEST_CASE("headers must mirror every present argument, decoded and compared by type",
          "[actors][header_params]") {
  auto p = params(sql);
  auto args = doc(R"({"region":"us-west1","limits":{"rows":42},"dry":true,"query":"q"})");
  param_headers all = {{"region", "us-west1"}, {"ROWS", "42.0"}, {"Dry", "true"}};
  CHECK_FALSE(check_header_params(p, &args, all));
  param_headers encoded = {{"Region", "=?base64?dXMtd2VzdDE=?="}, {"Rows", "42"}, {"Dry", "true"}};
  CHECK_FALSE(check_header_params(p, &args, encoded));

  param_headers missing = {{"Region", "us-west1"}, {"Dry", "true"}};
  CHECK_THAT(*check_header_params(p, &args, missing),
             Catch::Contains("Mcp-Param-Rows header is required"));
  param_headers differ = {{"Region", "eu"}, {"Rows", "42"}, {"Dry", "true"}};
  CHECK_THAT(*check_header_params(p, &args, differ),
             Catch::Contains("'eu' does not match body value 'us-west1'"));
  param_headers bad_base64 = {
      {"Region", "=?base64?dXMtd2VzdDE?="}, {"Rows", "42"}, {"Dry", "true"}};
  CHECK_THAT(*check_header_params(p, &args, bad_base64), Catch::Contains("invalid base64"));
  param_headers control = {{"Region", "us\x01west1"}, {"Rows", "42"}, {"Dry", "true"}};
  CHECK_THAT(*check_header_params(p, &args, control), Catch::Contains("characters"));
  param_headers wrong_bool = {{"Region", "us-west1"}, {"Rows", "42"}, {"Dry", "True"}};
  CHECK(check_header_params(p, &args, wrong_bool));
}

TEST_CASE("absent or null arguments expect no header", "[actors][header_params]") {
  auto p = params(sql);
  auto args = doc(R"({"region":null,"query":"q"})");
  CHECK_FALSE(check_header_params(p, &args, {}));
  CHECK_FALSE(check_header_params(p, nullptr, {}));
}
