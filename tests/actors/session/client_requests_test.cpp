// Server→client requests of a session: capability check, routing answers back by id,
// refusing unknown and repeated answers, expiry.
#include "actors/session/client_requests.hpp"

#include <catch2/catch.hpp>

#include "runtime/mcp/request_meta.hpp"
#include "support/capture.hpp"

using namespace mcprt;
using namespace mcprt::actors::session;

namespace {

rpc::message parse(const std::string& text) {
  return std::get<rpc::message>(rpc::decode(text));
}

struct fixture {
  std::shared_ptr<test::capture_channel> channel = std::make_shared<test::capture_channel>();
  responder related{channel, request_info{era::legacy, "2025-11-25", "7", "tools/call", {}, {}}};
  std::vector<client_reply> replies;
  client_ask ask(std::string method) {
    return client_ask{related, std::move(method), R"({"maxTokens":1})",
                      [this](client_reply r) { replies.push_back(std::move(r)); }};
  }
};

}  // namespace

TEST_CASE("client abilities come from the initialize capabilities", "[client_requests]") {
  auto a = client_caps_from_json(R"({"sampling":{},"roots":{"listChanged":true}})");
  CHECK(a.sampling);
  CHECK(a.roots);
  CHECK_FALSE(a.elicitation);
  CHECK_FALSE(client_caps_from_json("not json").sampling);
}

TEST_CASE("a request goes out on the related stream and its answer comes back",
          "[client_requests]") {
  fixture f;
  client_requests reqs(client_caps{true, false, false});
  auto id = reqs.send(f.ask("sampling/createMessage"));
  REQUIRE(id == "1");
  REQUIRE(f.channel->notes().size() == 1);
  CHECK(f.channel->notes()[0] ==
        R"({"jsonrpc":"2.0","id":1,"method":"sampling/createMessage","params":{"maxTokens":1}})");
  CHECK(reqs.answer(parse(R"({"jsonrpc":"2.0","id":1,"result":{"model":"m"}})")));
  REQUIRE(f.replies.size() == 1);
  REQUIRE(f.replies[0].ok());
  CHECK(string_member(*f.replies[0].result, "model") == "m");
  SECTION("a repeated or unknown answer is refused") {
    CHECK_FALSE(reqs.answer(parse(R"({"jsonrpc":"2.0","id":1,"result":{}})")));
    CHECK_FALSE(reqs.answer(parse(R"({"jsonrpc":"2.0","id":"1","result":{}})")));
    CHECK(f.replies.size() == 1);
  }
}

TEST_CASE("the client's error reaches the handler", "[client_requests]") {
  fixture f;
  client_requests reqs(client_caps{true, true, true});
  auto id = reqs.send(f.ask("elicitation/create"));
  CHECK(reqs.answer(parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"no"}})")));
  REQUIRE(f.replies.size() == 1);
  REQUIRE_FALSE(f.replies[0].ok());
  CHECK(static_cast<int>(f.replies[0].error->code) == -1);
  CHECK(f.replies[0].error->message == "no");
}

TEST_CASE("a method the client cannot answer is refused at once", "[client_requests]") {
  fixture f;
  client_requests reqs(client_caps{});
  CHECK(reqs.send(f.ask("elicitation/create")).empty());
  REQUIRE(f.replies.size() == 1);
  CHECK(f.replies[0].error->code == rpc_code::missing_client_capability);
  CHECK(f.channel->notes().empty());
  CHECK(reqs.outstanding() == 0);
}

TEST_CASE("expiry errors the handler and cancels at the client", "[client_requests]") {
  fixture f;
  client_requests reqs(client_caps{false, false, true});
  auto id = reqs.send(f.ask("roots/list"));
  reqs.expire(id);
  REQUIRE(f.replies.size() == 1);
  CHECK(f.replies[0].error->code == rpc_code::request_timeout);
  REQUIRE(f.channel->notes().size() == 2);
  CHECK(f.channel->notes()[1].find("notifications/cancelled") != std::string::npos);
  CHECK_FALSE(reqs.answer(parse(R"({"jsonrpc":"2.0","id":1,"result":{}})")));
}

TEST_CASE("a request of an answered call is not sent", "[client_requests]") {
  fixture f;
  f.related.result("{}");
  client_requests reqs(client_caps{true, true, true});
  CHECK(reqs.send(f.ask("roots/list")).empty());
  REQUIRE(f.replies.size() == 1);
  CHECK(reqs.outstanding() == 0);
}

TEST_CASE("ending the session fails every waiting handler", "[client_requests]") {
  fixture f;
  client_requests reqs(client_caps{true, true, true});
  reqs.send(f.ask("roots/list"));
  reqs.send(f.ask("roots/list"));
  reqs.fail_all("gone");
  CHECK(f.replies.size() == 2);
  CHECK(reqs.outstanding() == 0);
}
