// 2026-07-28 header rules and the HTTP header values the endpoint reads, without a server.
#include "actors/front/modern_headers.hpp"

#include <catch2/catch.hpp>

#include "actors/front/media_types.hpp"
#include "runtime/mcp/request_meta.hpp"

using namespace mcprt;
using namespace mcprt::actors::front;

namespace {

rpc::message decoded(const std::string& body) {
  return std::get<rpc::message>(rpc::decode(body));
}

const rapidjson::Value* version_of(const rpc::message& msg) {
  const auto* meta = request_meta(msg);
  return meta != nullptr ? find_member(*meta, meta_key::protocol_version) : nullptr;
}

mcp_request headers(std::string version, std::string method, std::string name = {}) {
  http_request r;
  if (!version.empty()) {
    r.set_header("mcp-protocol-version", std::move(version));  // Any case: names are folded.
  }
  if (!method.empty()) {
    r.set_header("Mcp-Method", std::move(method));
  }
  if (!name.empty()) {
    r.set_header("MCP-NAME", std::move(name));
  }
  return read_mcp_request(std::move(r));
}

const char* call_echo =
    R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})";

}  // namespace

TEST_CASE("a 2026 request whose headers agree with its body passes", "[actors][front]") {
  auto msg = decoded(call_echo);
  auto req = headers("2026-07-28", "tools/call", "echo");
  CHECK_FALSE(check_modern_version(req, version_of(msg)));
  CHECK_FALSE(check_modern_routing(msg, req));
}

TEST_CASE("2026 version rules name what is wrong, with the right code", "[actors][front]") {
  auto msg = decoded(call_echo);
  auto missing = check_modern_version(headers("", "tools/call"), version_of(msg));
  REQUIRE(missing);
  CHECK(missing->error.code == rpc_code::header_mismatch);
  auto unknown = check_modern_version(headers("1999-01-01", "tools/call"), version_of(msg));
  REQUIRE(unknown);
  CHECK(unknown->error.code == rpc_code::unsupported_protocol_version);
  CHECK(unknown->error.data_json.find("1999-01-01") != std::string::npos);
  auto legacy = check_modern_version(headers("2025-11-25", "tools/call"), version_of(msg));
  REQUIRE(legacy);
  CHECK(legacy->error.code == rpc_code::header_mismatch);
  auto no_body_version = check_modern_version(headers("2026-07-28", "tools/call"), nullptr);
  REQUIRE(no_body_version);
  CHECK(no_body_version->error.code == rpc_code::invalid_params);
}

TEST_CASE("2026 routing rules check Mcp-Method and Mcp-Name, base64 or plain", "[actors][front]") {
  auto msg = decoded(call_echo);
  auto wrong_method = check_modern_routing(msg, headers("2026-07-28", "tools/list", "echo"));
  REQUIRE(wrong_method);
  CHECK_THAT(wrong_method->error.message, Catch::Contains("'tools/list'"));
  auto no_name = check_modern_routing(msg, headers("2026-07-28", "tools/call"));
  REQUIRE(no_name);
  CHECK_THAT(no_name->error.message, Catch::Contains("required for tools/call"));
  auto other_name = check_modern_routing(msg, headers("2026-07-28", "tools/call", "add"));
  REQUIRE(other_name);
  CHECK_THAT(other_name->error.message, Catch::Contains("'add'"));
  // "echo" in base64 as SEP-2243 spells it.
  CHECK_FALSE(
      check_modern_routing(msg, headers("2026-07-28", "tools/call", "=?base64?ZWNobw==?=")));
  CHECK(name_member_of("resources/read") == "uri");
  CHECK(name_member_of("tools/list").empty());
}

TEST_CASE("Accept and Content-Type are read case-insensitively with wildcards", "[actors][front]") {
  CHECK(accepts("Application/JSON, text/event-stream", "application/json"));
  CHECK(accepts("*/*", "text/event-stream"));
  CHECK(accepts("text/*", "text/event-stream"));
  CHECK_FALSE(accepts("application/json", "text/event-stream"));
  CHECK(is_json_media_type("application/json; charset=utf-8"));
  CHECK_FALSE(is_json_media_type("application/json-seq"));
  CHECK(host_name("LOCALHOST:8080") == "localhost");
  CHECK(host_name("[::1]:8080") == "[::1]");
}

TEST_CASE("the MCP view of a request reads its headers in any case, the first of a repeat",
          "[actors][front]") {
  http_request r;
  r.headers = {{"host", "a.test"},         {"HOST", "b.test"},     {"mcp-session-id", "s1"},
               {"Mcp-Param-Region", "eu"}, {"X-Other", "ignored"}, {"Mcp-Param-", "empty name"}};
  auto m = read_mcp_request(std::move(r));
  CHECK(m.host == "a.test");
  CHECK(m.has_session_id);
  CHECK(m.session_id == "s1");
  CHECK_FALSE(m.has_origin);
  REQUIRE(m.mcp_params.size() == 1);
  CHECK(m.mcp_params[0] == std::pair<std::string, std::string>{"Region", "eu"});
}
