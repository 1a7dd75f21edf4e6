#include "runtime/api/typed_tool.hpp"

#include <catch2/catch.hpp>

#include "support/trip_args.hpp"

using namespace mcprt;

using namespace mcprt::test;

TEST_CASE("typed tool: the schema comes from the described fields", "[api][typed_tool]") {
  auto schema = input_schema_of<trip_args>();
  CHECK(
      schema ==
      R"({"type":"object","properties":{"city":{"type":"string","description":"Where to go"},)"
      R"("days":{"type":"integer","minimum":1,"maximum":14,"description":"Days ahead"},)"
      R"("party":{"type":"integer","minimum":-32768,"maximum":32767,"description":"How many travel"},)"
      R"("budget":{"type":"number","description":"In euros"},"refundable":{"type":"boolean"},)"
      R"("stops":{"type":"array","items":{"type":"string"},"description":"On the way"}},)"
      R"("required":["city","budget"],"additionalProperties":false})");
}

TEST_CASE("typed tool: arguments decode into the struct", "[api][typed_tool]") {
  auto a = decode_arguments<trip_args>(
      parse_json(R"({"city":"Oslo","days":3,"budget":99.5,"refundable":true,"stops":["a","b"]})"));
  CHECK(a.city == "Oslo");
  REQUIRE(a.days);
  CHECK(*a.days == 3);
  CHECK(a.party == 2);  // defaulted: the struct's own value stays
  CHECK(a.budget == 99.5);
  CHECK(a.refundable);
  CHECK(a.stops == std::vector<std::string>{"a", "b"});
  auto b = decode_arguments<trip_args>(parse_json(R"({"city":"Rome","budget":1})"));
  CHECK_FALSE(b.days);
  CHECK(b.stops.empty());
}

namespace {
struct counter_args {
  uint32_t n = 0;
  int64_t big = 0;
  int16_t small = 0;
  static constexpr auto fields =
      std::tuple{mcprt::arg(&counter_args::n, "n", ""), mcprt::arg(&counter_args::big, "big", ""),
                 mcprt::arg(&counter_args::small, "small", "").range(1, 9)};
};
}  // namespace

TEST_CASE("typed tool: integers get their type's bounds once, or the field's range",
          "[api][typed_tool]") {
  CHECK(input_schema_of<counter_args>() ==
        R"({"type":"object","properties":{"n":{"type":"integer","minimum":0,"maximum":4294967295},)"
        R"("big":{"type":"integer","minimum":-9223372036854775808,"maximum":9223372036854775807},)"
        R"("small":{"type":"integer","minimum":1,"maximum":9}},"required":["n","big","small"],)"
        R"("additionalProperties":false})");
  auto a = decode_arguments<counter_args>(
      parse_json(R"({"n":4294967295,"big":-9223372036854775808,"small":9})"));
  CHECK(a.n == 4294967295U);
  CHECK(a.big == std::numeric_limits<int64_t>::min());
  CHECK(a.small == 9);
}
