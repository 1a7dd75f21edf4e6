// A request a pipe relayed to another node answers on the pipe: a JSON body as one message, an
// SSE answer (written, or pumped from a queue as the relay does) as one message per event.
#include "actors/front/pipe_exchange.hpp"

#include <catch2/catch.hpp>
#include <thread>

using namespace mcprt;
using mcprt::actors::front::pipe_exchange;

namespace {

std::vector<std::string> messages_in(const std::shared_ptr<outbox>& pipe, uint64_t gen) {
  std::vector<std::string> out;
  pipe->drain_messages(gen, [&](std::string m, frame_role) { out.push_back(std::move(m)); });
  return out;
}

}  // namespace

TEST_CASE("pipe_exchange: answers become messages on the pipe", "[front][pipe_exchange]") {
  auto pipe = std::make_shared<outbox>(outbox_limits{}, stream_format::raw, nullptr);
  auto gen = pipe->attach([] {});
  pipe_exchange ex(pipe, "7");

  SECTION("a JSON body") {
    ex.respond({200, "application/json", R"({"jsonrpc":"2.0","id":7,"result":{}})", {}});
    CHECK(messages_in(pipe, gen) ==
          std::vector<std::string>{R"({"jsonrpc":"2.0","id":7,"result":{}})"});
  }
  SECTION("written SSE events, ids and comments left behind") {
    ex.start_stream({});
    ex.write_stream("id: a-1\ndata: {\"n\":1}\n\n: keep-alive\n\n", note_overflow::droppable());
    ex.write_stream("id: a-2\ndata: {\"id\":7}\n\n", note_overflow::keep());
    ex.end_stream();
    CHECK(messages_in(pipe, gen) == std::vector<std::string>{R"({"n":1})", R"({"id":7})"});
  }
  SECTION("a pumped queue, filled before and after it is attached, until it closes") {
    auto source = std::make_shared<outbox>(outbox_limits{}, stream_format::raw, nullptr);
    source->push_control("id: b-1\ndata: {\"n\":1}\n\n");
    ex.pump(source, {}, std::chrono::milliseconds(0));
    std::thread producer([&] {
      source->push_control("data: {\"n\":2}\n\n");
      source->push_control("data: {\"id\":7,\"result\":{}}\n\n");
      source->close("");
    });
    producer.join();
    CHECK(messages_in(pipe, gen) ==
          std::vector<std::string>{R"({"n":1})", R"({"n":2})", R"({"id":7,"result":{}})"});
    CHECK_FALSE(source->attached());  // Let go once closed and empty.
  }
  SECTION("an answer given up is an error for the request") {
    ex.abort();
    auto m = messages_in(pipe, gen);
    REQUIRE(m.size() == 1);
    CHECK(m[0].find(R"("id":7)") != std::string::npos);
    CHECK(m[0].find("-32603") != std::string::npos);
  }
}
