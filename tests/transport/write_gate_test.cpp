// The write gate and the frame header against Beast's own websocket client over loopback TCP:
// frames written by hand in one gathered write read back as the messages they carry, and a
// frame Beast writes by itself waits at the gate until the writer sends it.
#include "transport/write_gate.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "transport/ws_frame.hpp"

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using gated_ws = websocket::stream<mcprt::transport::write_gate<beast::tcp_stream>>;

// A server stream behind the gate and a Beast client stream, handshake done.
struct ws_pair {
  net::io_context ioc;
  gated_ws server{beast::tcp_stream(ioc)};
  websocket::stream<beast::tcp_stream> client{ioc};
  int queued = 0;

  ws_pair() {
    tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), 0});
    beast::get_lowest_layer(client).connect(acceptor.local_endpoint());
    acceptor.accept(beast::get_lowest_layer(server).socket());
    bool accepted = false;
    server.async_accept([&](beast::error_code ec) { accepted = !ec; });
    std::thread handshake([&] { client.handshake("127.0.0.1", "/mcp"); });
    ioc.run();
    handshake.join();
    ioc.restart();
    REQUIRE(accepted);
    server.next_layer().engage([this] { ++queued; });
  }
};

}  // namespace

TEST_CASE("text_frame_header: the three length forms", "[ws_frame]") {
  mcprt::transport::frame_header h{};
  CHECK(mcprt::transport::text_frame_header(125, h) == 2);
  CHECK(h[0] == 0x81);
  CHECK(h[1] == 125);
  CHECK(mcprt::transport::text_frame_header(126, h) == 4);
  CHECK((h[1] == 126 && h[2] == 0 && h[3] == 126));
  CHECK(mcprt::transport::text_frame_header(65535, h) == 4);
  CHECK((h[2] == 0xff && h[3] == 0xff));
  CHECK(mcprt::transport::text_frame_header(65536, h) == 10);
  CHECK((h[1] == 127 && h[7] == 1 && h[8] == 0 && h[9] == 0));
}

TEST_CASE("write_gate: hand-framed messages in one write read back whole", "[ws_frame]") {
  ws_pair p;
  std::vector<std::string> messages;
  for (size_t n : {0, 1, 125, 126, 127, 65535, 65536, 70001}) {
    messages.emplace_back(n, static_cast<char>('a' + n % 26));
  }
  std::vector<mcprt::transport::frame_header> headers(messages.size());
  std::vector<net::const_buffer> bufs;
  for (size_t i = 0; i < messages.size(); ++i) {
    auto n = mcprt::transport::text_frame_header(messages[i].size(), headers[i]);
    bufs.emplace_back(headers[i].data(), n);
    bufs.emplace_back(messages[i].data(), messages[i].size());
  }
  std::thread writer([&] { net::write(beast::get_lowest_layer(p.server), bufs); });
  for (const auto& expected : messages) {
    beast::flat_buffer read;
    p.client.read(read);
    CHECK(p.client.got_text());
    CHECK(beast::buffers_to_string(read.data()) == expected);
  }
  writer.join();
}

TEST_CASE("write_gate: Beast's own frames wait for the writer, in order", "[ws_frame]") {
  ws_pair p;
  bool pinged = false;
  p.server.async_ping("sync-1", [&](beast::error_code ec) { pinged = !ec; });
  p.ioc.poll();
  CHECK(p.queued == 1);
  CHECK_FALSE(pinged);  // Queued, not written: the writer has not run.
  REQUIRE(p.server.next_layer().has_pending());

  // The writer sends the ping, then a message of its own, in one write.
  std::vector<mcprt::transport::gated_write> taken;
  p.server.next_layer().take_pending(taken);
  REQUIRE(taken.size() == 1);
  CHECK_FALSE(taken[0].closes);
  std::string text = R"({"jsonrpc":"2.0","method":"x"})";
  mcprt::transport::frame_header h{};
  auto n = mcprt::transport::text_frame_header(text.size(), h);
  std::vector<net::const_buffer> bufs{net::buffer(taken[0].bytes), net::buffer(h.data(), n),
                                      net::buffer(text)};
  net::write(beast::get_lowest_layer(p.server), bufs);
  p.server.next_layer().complete(taken, {});
  p.ioc.poll();
  CHECK(pinged);

  std::string ping_payload;
  p.client.control_callback([&](websocket::frame_type kind, beast::string_view payload) {
    if (kind == websocket::frame_type::ping) {
      ping_payload = std::string(payload);
    }
  });
  beast::flat_buffer read;
  p.client.read(read);
  CHECK(ping_payload == "sync-1");
  CHECK(beast::buffers_to_string(read.data()) == text);

  // A close frame is marked: the writer sends nothing after it.
  p.server.async_close(websocket::close_code::normal, [](beast::error_code) {});
  p.ioc.poll();
  p.server.next_layer().take_pending(taken);
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].closes);
  p.server.next_layer().complete(taken, net::error::operation_aborted);
  p.ioc.poll();
}
