#include "transport/ws_frame_reader.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using mcprt::transport::ws_event;
using mcprt::transport::ws_frame_reader;

namespace {

// A client's frame: FIN as given, the opcode, masked with a fixed key.
std::string client_frame(uint8_t opcode, const std::string& payload, bool fin = true,
                         bool masked = true) {
  std::string f;
  f += static_cast<char>((fin ? 0x80 : 0) | opcode);
  auto mask_bit = masked ? 0x80 : 0;
  if (payload.size() < 126) {
    f += static_cast<char>(mask_bit | static_cast<int>(payload.size()));
  } else if (payload.size() <= 0xffff) {
    f += static_cast<char>(mask_bit | 126);
    f += static_cast<char>(payload.size() >> 8);
    f += static_cast<char>(payload.size() & 0xff);
  } else {
    f += static_cast<char>(mask_bit | 127);
    for (int i = 7; i >= 0; --i) {
      f += static_cast<char>((payload.size() >> (8 * i)) & 0xff);
    }
  }
  const char key[4] = {0x12, 0x34, 0x56, 0x78};
  if (masked) {
    f.append(key, 4);
  }
  for (size_t i = 0; i < payload.size(); ++i) {
    f += masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i];
  }
  return f;
}

struct seen {
  ws_event::kind what;
  std::string payload;
  uint16_t code;
};

// Feeds `bytes` to `r` in reads of `step` bytes; collects the events.
std::vector<seen> feed(ws_frame_reader& r, std::string bytes, size_t step) {
  std::vector<seen> out;
  for (size_t at = 0; at < bytes.size(); at += step) {
    auto n = std::min(step, bytes.size() - at);
    r.read(std::span<char>(bytes.data() + at, n), [&](const ws_event& ev) {
      out.push_back({ev.what, std::string(ev.payload), ev.code});
    });
  }
  return out;
}

}  // namespace

TEST_CASE("ws_frame_reader: a text message whole in one read, or byte by byte",
          "[ws_frame_reader]") {
  auto frame = client_frame(0x1, R"({"jsonrpc":"2.0","method":"ping","id":1})");
  for (size_t step : {frame.size(), size_t{1}, size_t{3}}) {
    ws_frame_reader r(1024);
    auto events = feed(r, frame, step);
    REQUIRE(events.size() == 1);
    CHECK(events[0].what == ws_event::kind::text);
    CHECK(events[0].payload == R"({"jsonrpc":"2.0","method":"ping","id":1})");
    CHECK_FALSE(r.holds_partial());  // What was gathered is let go once handed on.
  }
}

TEST_CASE("ws_frame_reader: the three length forms", "[ws_frame_reader]") {
  for (size_t size : {size_t{125}, size_t{126}, size_t{65535}, size_t{65536}, size_t{70000}}) {
    std::string text(size, 'a');
    ws_frame_reader r(1 << 20);
    auto events = feed(r, client_frame(0x1, text) + client_frame(0x1, "b"), 4096);
    REQUIRE(events.size() == 2);
    CHECK(events[0].payload == text);
    CHECK(events[1].payload == "b");
  }
}

TEST_CASE("ws_frame_reader: fragments with a ping between them", "[ws_frame_reader]") {
  auto bytes = client_frame(0x1, "hel", false) + client_frame(0x9, "p1") +
               client_frame(0x0, "lo ", false) + client_frame(0x0, "world");
  for (size_t step : {bytes.size(), size_t{1}, size_t{5}}) {
    ws_frame_reader r(1024);
    auto events = feed(r, bytes, step);
    REQUIRE(events.size() == 2);
    CHECK(events[0].what == ws_event::kind::ping);
    CHECK(events[0].payload == "p1");
    CHECK(events[1].what == ws_event::kind::text);
    CHECK(events[1].payload == "hello world");
  }
}

TEST_CASE("ws_frame_reader: a close frame ends the reading", "[ws_frame_reader]") {
  std::string close_payload = "\x03\xe8";  // 1000
  close_payload += "bye";
  ws_frame_reader r(1024);
  auto events = feed(r, client_frame(0x8, close_payload) + client_frame(0x1, "after"), 64);
  REQUIRE(events.size() == 1);
  CHECK(events[0].what == ws_event::kind::close);
  CHECK(events[0].code == 1000);
  CHECK(events[0].payload == "bye");
}

TEST_CASE("ws_frame_reader: what fails the connection, and with which code", "[ws_frame_reader]") {
  struct bad {
    std::string bytes;
    uint16_t code;
  };
  std::string big(2000, 'x');
  std::vector<bad> cases = {
      {client_frame(0x1, "hi", true, false), 1002},                    // Not masked.
      {client_frame(0x2, "bin"), 1003},                                // Binary.
      {client_frame(0x1, "\xc3\x28"), 1007},                           // Not UTF-8.
      {client_frame(0x1, big), 1009},                                  // Over the bound.
      {client_frame(0x1, "a", false) + client_frame(0x1, "b"), 1002},  // New message inside one.
      {client_frame(0x0, "b"), 1002},                                  // Continuation of nothing.
      {client_frame(0x9, std::string(126, 'p')), 1002},                // Control frame too long.
      {client_frame(0x9, "p", false), 1002},                           // Fragmented control frame.
      {client_frame(0x8, std::string("\x03\xed", 2)), 1002},      // Close code 1005 is not sent.
      {client_frame(0x8, "\x03"), 1002},                          // Close code cut short.
      {std::string("\xc1\x80", 2) + std::string(4, '\0'), 1002},  // Reserved bit (RSV1).
      {client_frame(0x3, "x"), 1002},                             // Unknown opcode.
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    INFO("case " << i);
    ws_frame_reader r(1024);
    auto events = feed(r, c.bytes, 7);
    REQUIRE(events.size() == 1);
    CHECK(events[0].what == ws_event::kind::fail);
    CHECK(events[0].code == c.code);
  }
}

TEST_CASE("ws_frame_reader: an idle reader holds no buffer", "[ws_frame_reader]") {
  ws_frame_reader r(1 << 20);
  auto bytes = client_frame(0x1, std::string(5000, 'z'));
  auto events = feed(r, bytes.substr(0, 4000), 1000);
  CHECK(events.empty());
  CHECK(r.holds_partial());  // Four reads of five gathered.
  events = feed(r, bytes.substr(4000), 1000);
  REQUIRE(events.size() == 1);
  CHECK(events[0].payload == std::string(5000, 'z'));
  CHECK_FALSE(r.holds_partial());  // Let go once handed on.
  CHECK(sizeof(ws_frame_reader) <= 160);
}
