// Built-in plugins: config validation, a good call and a bad call each, and the conformance
// fixtures' exact values.
#include <catch2/catch.hpp>

#include "actors/endpoint.hpp"
#include "plugins/builtin.hpp"
#include "plugins/conformance/conformance.hpp"
#include "support/capture.hpp"
#include "support/fixture.hpp"

using namespace mcprt;

namespace {

std::string call_tool(test::world& w, const std::string& params, std::string token = {}) {
  auto m = std::get<rpc::message>(rpc::decode(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":)" + params + "}"));
  auto ch = std::make_shared<test::capture_channel>();
  responder out(ch, request_info{era::legacy, "2025-11-25", "1", "tools/call", token, log_level::debug});
  REQUIRE(actors::dispatch(m, out, w.env()));
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
  CHECK_THAT(call_tool(w, R"({"name":"echo","arguments":{"text":"héllo"}})"), Catch::Contains(R"("text":"héllo")"));
  CHECK_THAT(call_tool(w, R"({"name":"add","arguments":{"a":2,"b":0.5}})"),
             Catch::Contains(R"("structuredContent":{"sum":2.5})"));
  CHECK_THAT(call_tool(w, R"({"name":"sleep","arguments":{"ms":5}})"), Catch::Contains("slept 5 ms"));
}

TEST_CASE("demo tools refuse bad calls as tool errors", "[plugins][demo]") {
  test::world w;
  CHECK_THAT(call_tool(w, R"({"name":"echo","arguments":{}})"),
             Catch::Contains(R"("isError":true)") && Catch::Contains("'text'"));
  CHECK_THAT(call_tool(w, R"({"name":"sleep","arguments":{"ms":99999999}})"),
             Catch::Contains(R"("isError":true)") && Catch::Contains("maximum"));
}

TEST_CASE("conformance fixtures return the suite's exact values", "[plugins][conformance]") {
  test::world w({plugins::conformance::descriptor()});
  CHECK_THAT(call_tool(w, R"({"name":"test_simple_text"})"),
             Catch::Contains("This is a simple text response for testing."));
  CHECK_THAT(call_tool(w, R"({"name":"test_audio_content","arguments":{}})"),
             Catch::Contains(R"("mimeType":"audio/wav")") && Catch::Contains(std::string(plugins::conformance::wav_base64)));
  CHECK_THAT(call_tool(w, R"({"name":"test_error_handling","arguments":{}})"),
             Catch::Contains(R"("isError":true)"));
  CHECK_THAT(call_tool(w, R"({"name":"test_tool_with_progress","arguments":{}})", "42"),
             Catch::Contains(R"("text":"42")"));
  CHECK_THAT(call_tool(w, R"({"name":"json_schema_2020_12_tool","arguments":{"name":"n"}})"),
             Catch::Contains(R"(JSON Schema 2020-12 tool called with: {\"name\":\"n\"})"));
  CHECK_THAT(call_tool(w, R"({"name":"json_schema_2020_12_tool","arguments":{"other":1}})"),
             Catch::Contains(R"("isError":true)"));
}
