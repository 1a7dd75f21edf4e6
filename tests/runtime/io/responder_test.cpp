// The responder's promise: every request is answered once, also when every holder drops it.
#include "runtime/io/responder.hpp"

#include <catch2/catch.hpp>

#include "support/capture.hpp"

using namespace mcprt;

namespace {

request_info legacy_call() {
  return request_info(era::legacy, "2025-06-18", "7", "tools/call");
}

}  // namespace

TEST_CASE("a responder dropped unanswered answers -32603 at once", "[runtime][responder]") {
  auto channel = std::make_shared<test::capture_channel>();
  int hooked = 0;
  outcome how = outcome::ok;
  {
    responder out(channel, legacy_call(), [&](const request_info&, outcome o) {
      ++hooked;
      how = o;
    });
    auto copy = out;
    out = responder{};
    CHECK_FALSE(channel->peek());  // A copy still holds the request: no answer yet.
  }
  auto answer = channel->wait();
  REQUIRE(answer);
  CHECK(answer->second.find(R"("id":7)") != std::string::npos);
  CHECK(answer->second.find("-32603") != std::string::npos);
  CHECK(answer->second.find("tools/call") != std::string::npos);
  CHECK(hooked == 1);
  CHECK(how == outcome::error);
}

TEST_CASE("a weak responder does not keep a request open", "[runtime][responder]") {
  auto channel = std::make_shared<test::capture_channel>();
  responder::weak ref;
  {
    responder out(channel, legacy_call());
    ref = out.weak_ref();
    REQUIRE(ref.lock());
  }
  CHECK_FALSE(ref.lock());
  REQUIRE(channel->wait());
}

TEST_CASE("an answered responder sends nothing more when dropped", "[runtime][responder]") {
  auto channel = std::make_shared<test::capture_channel>();
  int hooked = 0;
  {
    responder out(channel, legacy_call(), [&](const request_info&, outcome) { ++hooked; });
    out.result(R"({"content":[]})");
  }
  auto answer = channel->wait();
  REQUIRE(answer);
  CHECK(answer->second.find("-32603") == std::string::npos);
  CHECK(hooked == 1);
}

TEST_CASE("a cancelled responder sends nothing when dropped", "[runtime][responder]") {
  auto channel = std::make_shared<test::capture_channel>();
  {
    responder out(channel, legacy_call());
    out.cancel();
  }
  // The destructor runs on this thread: had it answered, the frame would be here now.
  CHECK_FALSE(channel->peek().has_value());
}
