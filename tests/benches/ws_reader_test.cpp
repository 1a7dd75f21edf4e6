// The fan-out client's frame cutter reads what the server's writer frames, at every header
// length, and waits for the rest of a frame cut by a read.
#include "benches/load/ws_reader.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "transport/ws_frame.hpp"

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
