// The fan-out client's frame cutter reads what the server's writer frames, at every header
// length, and waits for the rest of a frame cut by a read.
#include "benches/load/ws_reader.hpp"

#include <catch2/catch.hpp>
#include <span>
#include <string>

#include "transport/ws_frame.hpp"
#include "transport/ws_frame_reader.hpp"

using mcprt::bench::client_pong;
using mcprt::bench::frame_cut;
using mcprt::bench::next_frame;
using mcprt::bench::server_frame;

namespace {

std::string framed(const std::string& payload) {
  mcprt::transport::frame_header h{};
  auto n = mcprt::transport::text_frame_header(payload.size(), h);
  return std::string(reinterpret_cast<const char*>(h.data()), n) + payload;
}

}  // namespace

TEST_CASE("ws_reader: cuts the server's frames of every header length", "[ws_reader]") {
  std::string a(5, 'a'), b(300, 'b'), c(70000, 'c');
  auto bytes = framed(a) + framed(b) + framed(c);
  std::string_view rest(bytes);
  for (const auto* want : {&a, &b, &c}) {
    server_frame f;
    size_t used = 0;
    REQUIRE(next_frame(rest, f, used) == frame_cut::whole);
    CHECK(f.fin);
    CHECK(f.opcode == 1);
    CHECK(f.payload == *want);
    rest.remove_prefix(used);
  }
  CHECK(rest.empty());
}

TEST_CASE("ws_reader: a frame cut short waits, a masked one is refused", "[ws_reader]") {
  auto bytes = framed(std::string(300, 'x'));
  server_frame f;
  size_t used = 0;
  for (size_t n : {size_t{0}, size_t{1}, size_t{3}, bytes.size() - 1}) {
    CHECK(next_frame(std::string_view(bytes).substr(0, n), f, used) == frame_cut::partial);
  }
  std::string masked = "\x81\x85";
  masked += std::string(9, 'm');
  CHECK(next_frame(masked, f, used) == frame_cut::masked);
}

TEST_CASE("ws_reader: the client's pong is a masked frame the server reads back", "[ws_reader]") {
  for (std::string payload : {std::string(), std::string("keep-alive 17"), std::string(125, 'p')}) {
    client_pong pong(payload, {0x9d, 0x01, 0xff, 0x42});
    REQUIRE(pong.size == 6 + payload.size());
    std::string bytes(pong.bytes.data(), pong.size);
    mcprt::transport::ws_frame_reader reader(1024);
    int pongs = 0;
    CHECK(reader.read(std::span<char>(bytes), [&](const mcprt::transport::ws_event& ev) {
      REQUIRE(ev.what == mcprt::transport::ws_event::kind::pong);
      CHECK(ev.payload == payload);
      ++pongs;
    }));
    CHECK(pongs == 1);
  }
  CHECK(client_pong(std::string(126, 'p'), {1, 2, 3, 4}).size == 0);
}
