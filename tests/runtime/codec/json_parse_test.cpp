// Bounded parsing and safe writing: deep nesting, invalid UTF-8 and non-finite numbers are
// refused on the way in and never written on the way out.
#include "runtime/codec/json_parse.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "runtime/codec/json.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/io/responder.hpp"
#include "support/capture.hpp"

using namespace mcprt;

namespace {

std::string nested(size_t depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

std::optional<json_parse_error> parse(std::string_view text) {
  rapidjson::Document d;
  return parse_json(d, text);
}

rpc_code decode_code(std::string_view body) {
  auto r = rpc::decode(body);
  REQUIRE(std::holds_alternative<rpc::decode_failure>(r));
  return std::get<rpc::decode_failure>(r).error.code;
}

}  // namespace

TEST_CASE("parse_json accepts nesting up to the limit and refuses one level more",
          "[runtime][json]") {
  CHECK_FALSE(parse(nested(max_json_depth)));
  auto too_deep = parse(nested(max_json_depth + 1));
  REQUIRE(too_deep);
  CHECK_THAT(too_deep->message, Catch::Contains("nesting deeper than 128"));
  std::string objects;
  for (unsigned i = 0; i <= max_json_depth; ++i) {
    objects += R"({"a":)";
  }
  objects += "1" + std::string(max_json_depth + 1, '}');
  CHECK(parse(objects));
}

TEST_CASE("parse_json refuses 150,000 open brackets without exhausting the stack",
          "[runtime][json]") {
  // The recursive parser overflowed an I/O thread's stack on this body (SIGSEGV).
  auto deep = std::string(150000, '[');
  auto e = parse(deep);
  REQUIRE(e);
  CHECK(e->offset == max_json_depth);
  CHECK(decode_code(deep) == rpc_code::parse_error);
  CHECK(decode_code(R"({"jsonrpc":"2.0","id":1,"method":"x","params":{"a":)" + nested(200) +
                    "}}") == rpc_code::parse_error);
}

TEST_CASE("parse_json refuses text that is not UTF-8, in values and in keys", "[runtime][json]") {
  for (std::string bad : {"\"a\xc3(b\"", "\"\xff\"", "\"\xc0\x80\"", "\"\xed\xa0\x80\"",
                          "\"\xf4\x90\x80\x80\"", "\"\xe0\x80\x80\"", "{\"k\xfe\":1}",
                          R"("\udc00")", R"("\ud800")", R"("a\udfffb")", R"({"\udc00":1})"}) {
    INFO(bad);
    CHECK(parse(bad));
  }
  CHECK(decode_code("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"to\xff\"}") ==
        rpc_code::parse_error);
  CHECK(decode_code(R"({"jsonrpc":"2.0","id":1,"method":"echo","params":{"t":"\udc00"}})") ==
        rpc_code::parse_error);
}

TEST_CASE("parse_json keeps valid UTF-8 and surrogate pairs", "[runtime][json]") {
  rapidjson::Document d;
  REQUIRE_FALSE(parse_json(d, R"(["h\u00e9", "\ud83d\ude00", "€", "\uffff"])"));
  CHECK(std::string(d[0].GetString()) == "h\xc3\xa9");
  CHECK(std::string(d[1].GetString()) == "\xf0\x9f\x98\x80");
  CHECK(std::string(d[2].GetString()) == "\xe2\x82\xac");
  CHECK(std::string(d[3].GetString()) == "\xef\xbf\xbf");
}

TEST_CASE("parse_json keeps its own strings and refuses a NUL byte anywhere", "[runtime][json]") {
  rapidjson::Document d;
  std::string text = R"({"a":"one\u0000two","b":["x","y\"z"]})";
  REQUIRE_FALSE(parse_json(d, text));
  CHECK(std::string_view(d["a"].GetString(), d["a"].GetStringLength()) ==
        std::string_view("one\0two", 7));
  CHECK(std::string_view(d["b"][1].GetString()) == "y\"z");
  text.assign("nothing left of the source");  // The document keeps its own copies,
  rapidjson::Document copy;
  copy.CopyFrom(d, copy.GetAllocator());
  d.SetNull();
  d.GetAllocator().Clear();
  CHECK(std::string_view(copy["b"][0].GetString()) == "x");  // and so does a deep copy.
  CHECK(std::string_view(copy["a"].GetString(), copy["a"].GetStringLength()) ==
        std::string_view("one\0two", 7));
  // Raw NUL: after the value (the reader would stop there and call it the end) and inside a
  // string.
  auto after = parse(std::string_view("{\"a\":1}\0junk", 12));
  REQUIRE(after);
  CHECK_THAT(after->message, Catch::Contains("NUL"));
  CHECK(after->offset == 7);
  CHECK(parse(std::string_view("[\"a\0b\"]", 7)));
}

TEST_CASE("parse_json refuses numbers JSON cannot hold as doubles", "[runtime][json]") {
  CHECK(parse("1e400"));
  CHECK(parse("NaN"));
  CHECK(parse("Infinity"));
  CHECK_FALSE(parse("1.7976931348623157e308"));
}

TEST_CASE("quote writes valid UTF-8 whatever bytes it is given", "[runtime][json]") {
  CHECK(quote("h\xc3\xa9 \xf0\x9f\x98\x80") == "\"h\xc3\xa9 \xf0\x9f\x98\x80\"");
  CHECK(quote("a\xc3\x28"
              "b") == "\"a\xef\xbf\xbd(b\"");
  CHECK(quote("\xff") == "\"\xef\xbf\xbd\"");
  CHECK(quote("\xed\xb0\x80") == "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
  CHECK(quote("\xe2\x82") == "\"\xef\xbf\xbd\xef\xbf\xbd\"");  // Truncated at the end.
  for (int c = 0x80; c < 0x100; ++c) {
    auto q = quote(std::string(1, static_cast<char>(c)) + "x");
    CHECK_FALSE(parse(q));
  }
}

TEST_CASE("number_json never writes what JSON cannot read", "[runtime][json]") {
  CHECK(number_json(42) == "42");
  CHECK(number_json(-0.5) == "-0.5");
  CHECK(number_json(0.1 + 0.2) == "0.30000000000000007");
  CHECK(number_json(9007199254740992.0) == "9007199254740992");
  CHECK_FALSE(parse(number_json(1.7976931348623157e308)));
  CHECK(number_json(std::numeric_limits<double>::infinity()) == "null");
  CHECK(number_json(-std::numeric_limits<double>::infinity()) == "null");
  CHECK(number_json(std::nan("")) == "null");
}

TEST_CASE("json_writer writes a non-finite double as null instead of nothing", "[runtime][json]") {
  rapidjson::Document d(rapidjson::kObjectType);
  d.AddMember("sum", rapidjson::Value(std::numeric_limits<double>::infinity()), d.GetAllocator());
  d.AddMember("x", rapidjson::Value(1.5), d.GetAllocator());
  CHECK(to_json(d) == R"({"sum":null,"x":1.5})");
}

TEST_CASE("a progress value JSON cannot carry is not sent, a bad total is left out",
          "[runtime][json][responder]") {
  auto ch = std::make_shared<test::capture_channel>();
  responder out(ch,
                request_info{era::legacy, "2025-11-25", "1", "tools/call", "7", log_level::debug});
  const double inf = std::numeric_limits<double>::infinity();
  out.progress(inf, 10.0, "x");
  out.progress(std::nan(""), std::nullopt, "x");
  out.progress(5, inf, "half");
  auto notes = ch->notes();
  REQUIRE(notes.size() == 1);
  CHECK(
      notes[0] ==
      R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":7,"progress":5,"message":"half"}})");
}

TEST_CASE("quote_into appends the same literal quote() returns", "[runtime][json]") {
  std::string out = "[";
  for (const char* text : {"plain", "with \"quotes\"\n", "\xff bad byte", ""}) {
    auto before = out.size();
    quote_into(out, text);
    CHECK(out.substr(before) == quote(text));
    out += ',';
  }
  CHECK(out.rfind('[', 0) == 0);
}
