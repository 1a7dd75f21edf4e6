// A small gathered write leaves whole and in order as one buffer; a large one is gathered; a
// single buffer is passed through. Each is read back from the other end of a socket pair.
#include "transport/flat_send.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace net = boost::asio;
using mcprt::transport::flat_send_limit;
using mcprt::transport::write_some_flat;

namespace {

// Writes `parts` gathered through write_some_flat and returns what the peer read.
std::string round_trip(const std::vector<std::string>& parts) {
  net::io_context ioc;
  net::local::stream_protocol::socket a(ioc), b(ioc);
  net::local::connect_pair(a, b);
  std::vector<net::const_buffer> bufs;
  std::string expected;
  for (const auto& p : parts) {
    bufs.emplace_back(p.data(), p.size());
    expected += p;
  }
  boost::system::error_code ec;
  auto n = write_some_flat(a, bufs, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(n == expected.size());  // A socket pair's buffer takes these sizes whole.
  std::string got(n, '\0');
  net::read(b, net::buffer(got));
  return got;
}

}  // namespace

TEST_CASE("write_some_flat: a small gathered write arrives whole and in order", "[flat_send]") {
  CHECK(round_trip({"\x81\x05", "hello", ", world"}) == std::string("\x81\x05hello, world"));
}

TEST_CASE("write_some_flat: a write over the limit and a single buffer arrive as given",
          "[flat_send]") {
  std::string big(flat_send_limit, 'x');
  CHECK(round_trip({"head", big, "tail"}) == "head" + big + "tail");
  CHECK(round_trip({"only"}) == "only");
}

TEST_CASE("consume_written: whole buffers go, a partly written one keeps its rest", "[flat_send]") {
  std::string a = "abc", b = "defgh", c = "ij";
  std::vector<net::const_buffer> bufs{net::buffer(a), net::buffer(b), net::buffer(c)};
  mcprt::transport::consume_written(bufs, 5);  // "abc" and "de".
  REQUIRE(bufs.size() == 2);
  CHECK(std::string(static_cast<const char*>(bufs[0].data()), bufs[0].size()) == "fgh");
  mcprt::transport::consume_written(bufs, 3);
  REQUIRE(bufs.size() == 1);
  CHECK(std::string(static_cast<const char*>(bufs[0].data()), bufs[0].size()) == "ij");
  mcprt::transport::consume_written(bufs, 2);
  CHECK(bufs.empty());
}

TEST_CASE("write_now: a socket that takes everything leaves nothing, a full one says so",
          "[flat_send]") {
  net::io_context ioc;
  net::local::stream_protocol::socket a(ioc), b(ioc);
  net::local::connect_pair(a, b);
  a.non_blocking(true);
  std::string part(1000, 'y');
  std::vector<net::const_buffer> bufs{net::buffer(part), net::buffer(part)};
  boost::system::error_code ec;
  CHECK(mcprt::transport::write_now(a, bufs, ec));
  CHECK(bufs.empty());
  // Nobody reads b: sooner or later the socket is full, and what it did not take is kept.
  std::string big(1 << 20, 'z');
  std::vector<net::const_buffer> more{net::buffer(big)};
  CHECK_FALSE(mcprt::transport::write_now(a, more, ec));
  CHECK(ec == net::error::would_block);
  REQUIRE(more.size() == 1);
  CHECK(more.front().size() < big.size());
}
