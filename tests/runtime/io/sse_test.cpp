// SSE framing: one event per frame, ids and retry where asked, comments clients skip.
#include "runtime/io/sse.hpp"

#include <catch2/catch.hpp>

using namespace mcprt;

TEST_CASE("an SSE event is data with an optional id and no event line", "[runtime][sse]") {
  CHECK(sse::event(R"({"a":1})") == "data: {\"a\":1}\n\n");
  CHECK(sse::event("{}", "s-7") == "id: s-7\ndata: {}\n\n");
  CHECK(sse::head() + "{}" + std::string(sse::end) == sse::event("{}"));
}

TEST_CASE("SSE priming, named events and comments are framed as the standard says",
          "[runtime][sse]") {
  CHECK(sse::priming("s-1", std::chrono::milliseconds(500)) == "id: s-1\nretry: 500\ndata: \n\n");
  CHECK(sse::named_event("endpoint", "/messages?sessionId=x") ==
        "event: endpoint\ndata: /messages?sessionId=x\n\n");
  CHECK(sse::comment("keep-alive") == ": keep-alive\n\n");
}

TEST_CASE("a stream the server ends early tells why and when to come back", "[runtime][sse]") {
  CHECK(sse::reconnect_hint(std::chrono::milliseconds(2000), "server shutting down") ==
        ": server shutting down\nretry: 2000\n\n");
}
