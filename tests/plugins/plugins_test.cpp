// Built-in plugins: config validation, a good call and a bad call each, and the conformance
// fixtures' exact values.
#include <catch2/catch.hpp>

#include "actors/front/endpoint.hpp"
#include "plugins/builtin.hpp"
#include "plugins/conformance/conformance.hpp"
#include "plugins/faults/faults.hpp"
#include "runtime/codec/json_parse.hpp"
#include "support/capture.hpp"
#include "support/fixture.hpp"

using namespace mcprt;

namespace {

std::string call_tool(test::world& w, const std::string& params, std::string token = {}) {
  auto m = std::get<rpc::message>(
      rpc::decode(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":)" + params + "}"));
  auto ch = std::make_shared<test::capture_channel>();
  responder out(ch, request_info{era::legacy, "2025-11-25", "1", "tools/call", std::move(token),
                                 log_level::debug});
  REQUIRE(actors::dispatch::dispatch(m, out, w.env()));
  auto r = ch->wait();
  REQUIRE(r);
  return r->second;
}

}  // namespace

TEST_CASE("built-in plugins declare their settings under their own section", "[plugins]") {
  for (const auto& p : plugins::builtin()) {
    for (const auto& s : p.settings) {
      CHECK(s.key.rfind(p.name + ".", 0) == 0);
    }
  }
}

TEST_CASE("demo echo, add and sleep answer good calls", "[plugins][demo]") {
  test::world w;
  CHECK_THAT(call_tool(w, R"({"name":"echo","arguments":{"text":"héllo"}})"),
             Catch::Contains(R"("text":"héllo")"));
  CHECK_THAT(call_tool(w, R"({"name":"add","arguments":{"a":2,"b":0.5}})"),
             Catch::Contains(R"("structuredContent":{"sum":2.5})"));
  CHECK_THAT(call_tool(w, R"({"name":"sleep","arguments":{"ms":5}})"),
             Catch::Contains("slept 5 ms"));
}

TEST_CASE("demo tools refuse bad calls as tool errors", "[plugins][demo]") {
  test::world w;
  CHECK_THAT(call_tool(w, R"({"name":"echo","arguments":{}})"),
             Catch::Contains(R"("isError":true)") && Catch::Contains("'text'"));
  CHECK_THAT(call_tool(w, R"({"name":"sleep","arguments":{"ms":99999999}})"),
             Catch::Contains(R"("isError":true)") && Catch::Contains("maximum"));
}

TEST_CASE("demo add answers an overflowing sum as a tool error, never as invalid JSON",
          "[plugins][demo]") {
  test::world w;
  auto r = call_tool(
      w, R"({"name":"add","arguments":{"a":1.7976931348623157e308,"b":1.7976931348623157e308}})");
  CHECK_THAT(r, Catch::Contains(R"("isError":true)") && Catch::Contains("too large"));
  rapidjson::Document d;
  CHECK_FALSE(parse_json(d, r));
}

TEST_CASE("faults hold answers a good call and refuses a bad one", "[plugins][faults]") {
  test::world w({plugins::faults::descriptor()});
  CHECK_THAT(call_tool(w, R"({"name":"hold","arguments":{"ms":0}})"), Catch::Contains("held"));
  CHECK_THAT(call_tool(w, R"({"name":"hold","arguments":{"ms":"soon"}})"),
             Catch::Contains(R"("isError":true)") && Catch::Contains("/ms"));
}

TEST_CASE("faults crash answers -32603 and ends the plugin's actor", "[plugins][faults]") {
  test::world w({plugins::faults::descriptor()});
  CHECK_THAT(call_tool(w, R"({"name":"crash","arguments":{}})"), Catch::Contains("-32603"));
}

TEST_CASE("conformance fixtures return the suite's exact values", "[plugins][conformance]") {
  test::world w({plugins::conformance::descriptor()});
  CHECK_THAT(call_tool(w, R"({"name":"test_simple_text"})"),
             Catch::Contains("This is a simple text response for testing."));
  CHECK_THAT(call_tool(w, R"({"name":"test_audio_content","arguments":{}})"),
             Catch::Contains(R"("mimeType":"audio/wav")") &&
                 Catch::Contains(std::string(plugins::conformance::wav_base64)));
  CHECK_THAT(call_tool(w, R"({"name":"test_error_handling","arguments":{}})"),
             Catch::Contains(R"("isError":true)"));
  CHECK_THAT(call_tool(w, R"({"name":"test_tool_with_progress","arguments":{}})", "42"),
             Catch::Contains(R"("text":"42")"));
  CHECK_THAT(
      call_tool(w, R"({"name":"json_schema_2020_12_tool","arguments":{"name":"n","email":"e"}})"),
      Catch::Contains(R"(JSON Schema 2020-12 tool called with: {\"name\":\"n\",\"email\":\"e\"})"));
  // allOf/anyOf is enforced: a phone or an email is required.
  CHECK_THAT(call_tool(w, R"({"name":"json_schema_2020_12_tool","arguments":{"name":"n"}})"),
             Catch::Contains(R"("isError":true)"));
  CHECK_THAT(call_tool(w, R"({"name":"json_schema_2020_12_tool","arguments":{"other":1}})"),
             Catch::Contains(R"("isError":true)"));
}

namespace {

std::string call(test::world& w, const std::string& method, const std::string& params,
                 era e = era::legacy) {
  auto m = std::get<rpc::message>(rpc::decode(R"({"jsonrpc":"2.0","id":1,"method":")" + method +
                                              R"(","params":)" + params + "}"));
  auto ch = std::make_shared<test::capture_channel>();
  responder out(ch, request_info{e, "2025-11-25", "1", method, {}, log_level::off});
  REQUIRE(actors::dispatch::dispatch(m, out, w.env()));
  auto r = ch->wait();
  REQUIRE(r);
  return r->second;
}

}  // namespace

TEST_CASE("conformance resources read back their exact values",
          "[plugins][conformance][resources]") {
  test::world w({plugins::conformance::descriptor()});
  CHECK_THAT(call(w, "resources/list", "{}"),
             Catch::Contains(R"({"uri":"test://static-binary","name":"static-binary")"));
  CHECK_THAT(call(w, "resources/read", R"({"uri":"test://static-text"})"),
             Catch::Contains(R"("text":"This is the content of the static text resource.")"));
  CHECK_THAT(call(w, "resources/read", R"({"uri":"test://static-binary"})"),
             Catch::Contains(R"("blob":")" + std::string(plugins::conformance::png_base64)));
  CHECK_THAT(call(w, "resources/templates/list", "{}"),
             Catch::Contains(R"("uriTemplate":"test://template/{id}/data")"));
  CHECK_THAT(
      call(w, "resources/read", R"({"uri":"test://template/123/data"})"),
      Catch::Contains(R"(\"id\":\"123\",\"templateTest\":true,\"data\":\"Data for ID: 123\")"));
}

TEST_CASE("an unknown resource is -32002 in 2025 and -32602 in 2026-07-28",
          "[plugins][resources]") {
  test::world w({plugins::conformance::descriptor()});
  CHECK_THAT(call(w, "resources/read", R"({"uri":"test://nope"})"),
             Catch::Contains("-32002") && Catch::Contains(R"("data":{"uri":"test://nope"})"));
  CHECK_THAT(call(w, "resources/read", R"({"uri":"test://nope"})", era::modern),
             Catch::Contains("-32602"));
}

TEST_CASE("prompts render with their arguments and refuse missing ones",
          "[plugins][conformance][prompts]") {
  test::world w({plugins::conformance::descriptor()});
  CHECK_THAT(
      call(w, "prompts/list", "{}"),
      Catch::Contains(
          R"("arguments":[{"name":"arg1","description":"First test argument","required":true})"));
  CHECK_THAT(call(w, "prompts/get",
                  R"({"name":"test_prompt_with_arguments","arguments":{"arg1":"a","arg2":"b"}})"),
             Catch::Contains("Prompt with arguments: arg1='a', arg2='b'"));
  CHECK_THAT(
      call(w, "prompts/get", R"({"name":"test_prompt_with_arguments","arguments":{"arg1":"a"}})"),
      Catch::Contains("-32602") && Catch::Contains("'arg2'"));
  CHECK_THAT(call(w, "prompts/get", R"({"name":"nope"})"), Catch::Contains("-32602"));
  CHECK_THAT(
      call(
          w, "completion/complete",
          R"({"ref":{"type":"ref/prompt","name":"test_simple_prompt"},"argument":{"name":"a","value":"x"}})"),
      Catch::Contains(R"("values":[])"));
}
