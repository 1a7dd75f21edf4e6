// The JSON-RPC codec: decoding every message kind and refusing every malformed one.
#include "runtime/codec/json_rpc.hpp"

#include <catch2/catch.hpp>

using namespace mcprt;

namespace {
rpc::message ok(std::string_view body) {
  auto r = rpc::decode(body);
  REQUIRE(std::holds_alternative<rpc::message>(r));
  return std::get<rpc::message>(r);
}
rpc::decode_failure bad(std::string_view body) {
  auto r = rpc::decode(body);
  REQUIRE(std::holds_alternative<rpc::decode_failure>(r));
  return std::get<rpc::decode_failure>(r);
}
}  // namespace

TEST_CASE("codec decodes a request with an integer id and params", "[runtime][codec]") {
  auto m = ok(R"({"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"cursor":"x"}})");
  CHECK(m.type == rpc::kind::request);
  CHECK(m.id == "7");
  CHECK(m.method == "tools/list");
  REQUIRE(m.params);
  CHECK(*string_member(*m.params, "cursor") == "x");
}

TEST_CASE("codec keeps a string id as its JSON text so it echoes exactly", "[runtime][codec]") {
  auto m = ok(R"({"jsonrpc":"2.0","id":"a\"b","method":"ping"})");
  CHECK(m.id == R"("a\"b")");
  CHECK(rpc::encode_result(m.id, "{}") == R"({"jsonrpc":"2.0","id":"a\"b","result":{}})");
}

TEST_CASE("codec decodes notifications and responses", "[runtime][codec]") {
  CHECK(ok(R"({"jsonrpc":"2.0","method":"notifications/initialized"})").type ==
        rpc::kind::notification);
  CHECK(ok(R"({"jsonrpc":"2.0","id":1,"result":{}})").type == rpc::kind::response);
  CHECK(ok(R"({"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"}})").type ==
        rpc::kind::response);
}

TEST_CASE("codec refuses malformed input with the right code", "[runtime][codec]") {
  CHECK(bad("{").error.code == rpc_code::parse_error);
  CHECK(bad("").error.code == rpc_code::parse_error);
  CHECK(bad(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])").error.code ==
        rpc_code::invalid_request);
  CHECK(bad("42").error.code == rpc_code::invalid_request);
  CHECK(bad(R"({"jsonrpc":"1.0","id":1,"method":"ping"})").error.code == rpc_code::invalid_request);
  CHECK(bad(R"({"jsonrpc":"2.0","id":null,"method":"ping"})").error.code ==
        rpc_code::invalid_request);
  CHECK(bad(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})").error.code ==
        rpc_code::invalid_request);
  CHECK(bad(R"({"jsonrpc":"2.0","id":1,"method":3})").error.code == rpc_code::invalid_request);
  CHECK(bad(R"({"jsonrpc":"2.0","id":1,"method":"x","params":[1]})").error.code ==
        rpc_code::invalid_request);
  CHECK(bad(R"({"jsonrpc":"2.0","id":1,"result":{},"error":{}})").error.code ==
        rpc_code::invalid_request);
}

TEST_CASE("codec reports the id of an invalid request when it can be read", "[runtime][codec]") {
  CHECK(bad(R"({"jsonrpc":"1.0","id":"q","method":"ping"})").id == R"("q")");
}

TEST_CASE("codec encodes errors with a null id and optional data", "[runtime][codec]") {
  CHECK(rpc::encode_error({}, make_error(rpc_code::parse_error, "bad")) ==
        R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}})");
  rpc_error e{rpc_code::unsupported_protocol_version, "no", R"({"supported":[]})"};
  CHECK(
      rpc::encode_error("3", e) ==
      R"({"jsonrpc":"2.0","id":3,"error":{"code":-32022,"message":"no","data":{"supported":[]}}})");
}

TEST_CASE("append_members adds members to empty and non-empty objects", "[runtime][codec]") {
  CHECK(rpc::append_members("{}", R"("a":1)") == R"({"a":1})");
  CHECK(rpc::append_members(R"({"b":2})", R"("a":1)") == R"({"b":2,"a":1})");
}

TEST_CASE("encode_result with members equals appending them, then encoding", "[runtime][codec]") {
  for (std::string_view object :
       {"{}", R"({"b":2})", R"({"content":[{"type":"text","text":"}"}]})", "[]", "7", "{"}) {
    for (std::string_view members : {"", R"("a":1)", R"("resultType":"complete","_meta":{}})"}) {
      CHECK(rpc::encode_result("12", object, members) ==
            rpc::encode_result("12", rpc::append_members(std::string(object), members)));
    }
  }
  CHECK(rpc::encode_result(R"("x")", R"({"b":2})", R"("a":1)") ==
        R"({"jsonrpc":"2.0","id":"x","result":{"b":2,"a":1}})");
}

TEST_CASE("error statuses follow the era", "[runtime][errors]") {
  CHECK(http_status_for(rpc_code::method_not_found, true) == 404);
  CHECK(http_status_for(rpc_code::method_not_found, false) == 200);
  CHECK(http_status_for(rpc_code::header_mismatch, true) == 400);
  CHECK(http_status_for(rpc_code::session_not_found, false) == 404);
  CHECK(http_status_for(rpc_code::server_overloaded, true) == 429);
}

TEST_CASE("quote escapes like RapidJSON and round-trips every byte class", "[runtime][json]") {
  std::string all;
  for (int c = 1; c < 128; ++c) {
    all += static_cast<char>(c);
  }
  all += "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";  // Two, three and four byte sequences.
  all += std::string(1 << 16, 'x') + "\n\"\\";    // A long run, then escapes at the end.
  auto quoted = quote(all);
  rapidjson::StringBuffer expected;
  json_writer w(expected);
  w.String(all.data(), static_cast<rapidjson::SizeType>(all.size()));
  CHECK(quoted == std::string(expected.GetString(), expected.GetSize()));
  rapidjson::Document d;
  d.Parse(quoted.c_str(), quoted.size());
  REQUIRE(d.IsString());
  CHECK(std::string(d.GetString(), d.GetStringLength()) == all);
  CHECK(quote("") == "\"\"");
}
