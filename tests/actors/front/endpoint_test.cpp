// The endpoint's routing without sockets: era detection, header rules, sessions, admission
// and deadlines, driven through a recording http_exchange.
#include "actors/front/endpoint.hpp"

#include <catch2/catch.hpp>

#include "support/capture.hpp"
#include "support/fixture.hpp"

using namespace mcprt;

namespace {

const std::string meta =
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}})";

struct harness {
  test::world w;
  std::shared_ptr<admission> gate;
  std::shared_ptr<actors::front::endpoint> ep;

  explicit harness(int64_t max_inflight = 16) : gate(std::make_shared<admission>(max_inflight)) {
    actors::front::endpoint_options o;
    o.allowed_hosts = {"localhost", "127.0.0.1"};
    o.allowed_origins = {"http://localhost"};
    ep = std::make_shared<actors::front::endpoint>(
        o, actors::front::endpoint_parts{
               w.context(), w.sessions, gate, w.sessions, {}, {}, {}, {}, {}});
  }

  http_request post(std::string body) {
    http_request r;
    r.method = "POST";
    r.path = "/mcp";
    r.set_header("Host", "127.0.0.1:1");
    r.set_header("Accept", "application/json, text/event-stream");
    r.set_header("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
  }

  http_request modern(const std::string& method, const std::string& params,
                      const std::string& name = {}) {
    auto r = post(R"({"jsonrpc":"2.0","id":1,"method":")" + method + R"(","params":{)" + params +
                  (params.empty() ? "" : ",") + meta + "}}");
    r.set_header("MCP-Protocol-Version", "2026-07-28");
    r.set_header("Mcp-Method", method);
    if (!name.empty()) {
      r.set_header("Mcp-Name", name);
    }
    return r;
  }

  std::pair<http_response, std::shared_ptr<test::capture_exchange>> send(http_request r) {
    auto ex = std::make_shared<test::capture_exchange>();
    ep->handle(std::move(r), ex);
    auto res = ex->wait();
    REQUIRE(res);
    return {*res, ex};
  }

  static std::string header(const http_response& r, const std::string& name) {
    for (auto& [k, v] : r.headers) {
      if (k == name) {
        return v;
      }
    }
    return {};
  }
};

}  // namespace

TEST_CASE("endpoint serves a stateless 2026-07-28 tools/call", "[actors][endpoint]") {
  harness h;
  auto [res, ex] =
      h.send(h.modern("tools/call", R"("name":"echo","arguments":{"text":"hi"})", "echo"));
  CHECK(res.status == 200);
  CHECK_THAT(res.body,
             Catch::Contains(R"("text":"hi")") && Catch::Contains(R"("resultType":"complete")"));
  CHECK(harness::header(res, "Mcp-Session-Id").empty());
}

TEST_CASE("endpoint enforces the 2026-07-28 header rules", "[actors][endpoint]") {
  harness h;
  auto r = h.modern("tools/call", R"("name":"echo","arguments":{"text":"hi"})", "add");
  CHECK(h.send(r).first.status == 400);
  r = h.modern("server/discover", "");
  r.set_header("Mcp-Method", "tools/list");
  auto mismatch = h.send(r).first;
  CHECK(mismatch.status == 400);
  CHECK_THAT(mismatch.body, Catch::Contains("-32020"));
  r = h.modern("server/discover", "");
  r.set_header("MCP-Protocol-Version", "1900-01-01");
  auto unsupported = h.send(r).first;
  CHECK_THAT(unsupported.body,
             Catch::Contains("-32022") && Catch::Contains(R"("supported":["2026-07-28")"));
  auto unknown = h.send(h.modern("no/such", "")).first;
  CHECK(unknown.status == 404);
  CHECK_THAT(unknown.body, Catch::Contains("-32601"));
}

TEST_CASE("endpoint opens, serves and deletes a 2025 session", "[actors][endpoint]") {
  harness h;
  auto [init, _] = h.send(h.post(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}})"));
  auto sid = harness::header(init, "Mcp-Session-Id");
  REQUIRE(sid.size() == 32);
  CHECK(h.w.sessions->size() == 1);
  auto req = h.post(R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})");
  req.set_header("Mcp-Session-Id", sid);
  auto list = h.send(req).first;
  CHECK_THAT(list.body, Catch::Contains(R"("name":"echo")"));
  CHECK(harness::header(list, "Mcp-Session-Id") == sid);
  http_request del;
  del.method = "DELETE";
  del.path = "/mcp";
  del.set_header("Host", "localhost");
  del.set_header("Mcp-Session-Id", sid);
  CHECK(h.send(del).first.status == 200);
  CHECK(h.send(req).first.status == 404);
}

TEST_CASE("endpoint refuses foreign hosts and origins before anything else", "[actors][endpoint]") {
  harness h;
  auto r = h.modern("server/discover", "");
  r.set_header("Host", "evil.example.com");
  CHECK(h.send(r).first.status == 403);
  r = h.modern("server/discover", "");
  r.set_header("Origin", "http://evil.example.com");
  CHECK(h.send(r).first.status == 403);
  r.set_header("Origin", "http://localhost:5173");
  CHECK(h.send(r).first.status == 200);
}

TEST_CASE("endpoint sheds load past maxInflight but never refuses server/discover",
          "[actors][endpoint]") {
  harness h(1);
  auto slow = std::make_shared<test::capture_exchange>();
  h.ep->handle(h.modern("tools/call", R"("name":"sleep","arguments":{"ms":60000})", "sleep"), slow);
  auto refused =
      h.send(h.modern("tools/call", R"("name":"echo","arguments":{"text":"x"})", "echo")).first;
  CHECK(refused.status == 429);
  CHECK(harness::header(refused, "Retry-After") == "1");
  CHECK_THAT(refused.body, Catch::Contains(R"("retryable":true)"));
  CHECK(h.send(h.modern("server/discover", "")).first.status == 200);
  // The deadline answers the slow call and frees its slot.
  slow->expire();
  auto timed_out = slow->wait();
  REQUIRE(timed_out);
  CHECK_THAT(timed_out->body, Catch::Contains("-31002"));
  CHECK(h.gate->inflight() == 0);
  CHECK(h.send(h.modern("tools/call", R"("name":"echo","arguments":{"text":"x"})", "echo"))
            .first.status == 200);
}

TEST_CASE("endpoint streams notifications as SSE before the result", "[actors][endpoint]") {
  harness h;
  auto r = h.modern("tools/call", R"("name":"sleep","arguments":{"ms":1})", "sleep");
  r.body =
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sleep","arguments":{"ms":1},"_meta":{"progressToken":"p","io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})";
  auto res = h.send(r).first;
  CHECK(res.content_type == "text/event-stream");
  CHECK_THAT(res.body, Catch::StartsWith("data: {") && Catch::Contains(R"("progressToken":"p")") &&
                           Catch::Contains("slept 1 ms"));
}

TEST_CASE("tools/list pages with an opaque cursor until the last page", "[actors][dispatcher]") {
  harness h;
  h.w.profile->page_size = 2;
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto r = h.modern("tools/list", cursor.empty() ? "" : R"("cursor":")" + cursor + R"(")");
    auto body = h.send(r).first.body;
    rapidjson::Document d;
    d.Parse(body.c_str());
    REQUIRE(d.IsObject());
    const auto& result = d["result"];
    CHECK(result["tools"].Size() <= 2);
    for (auto& t : result["tools"].GetArray()) {
      seen.emplace_back(t["name"].GetString());
    }
    if (!result.HasMember("nextCursor")) {
      break;
    }
    cursor = result["nextCursor"].GetString();
  }
  CHECK(seen == std::vector<std::string>{"add", "count", "echo", "sleep"});
}
