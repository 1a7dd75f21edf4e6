// libFuzzer target for WebSocket frames: any bytes as what a client sends after the upgrade,
// read by Beast's websocket stream with the server's options (message bound, optionally
// permessage-deflate, picked by the first byte); each text message goes to the JSON-RPC
// decoder as the WebSocket peer does. Built by `make fuzz`.
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/codec/json_rpc.hpp"

namespace beast = boost::beast;
namespace websocket = beast::websocket;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  bool deflate = (data[0] & 1) != 0;
  std::string upgrade =
      "GET /mcp HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Protocol: mcp\r\n";
  if (deflate) {
    upgrade += "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";
  }
  upgrade += "\r\n";
  boost::asio::io_context ioc;
  beast::test::stream peer(ioc);
  beast::test::stream client(ioc);  // Takes what the server writes (101, pongs, close).
  peer.connect(client);
  peer.append(upgrade);
  peer.append(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  peer.close_remote();  // The client stops after its bytes: reads end.
  websocket::stream<beast::test::stream&> ws(peer);
  if (deflate) {
    websocket::permessage_deflate pmd;
    pmd.server_enable = true;
    ws.set_option(pmd);
  }
  ws.read_message_max(size_t{512} * 1024);  // limits.maxPayloadKb's default.
  beast::error_code ec;
  ws.accept(ec);
  if (ec) {
    return 0;
  }
  beast::flat_buffer buffer;
  for (int messages = 0; messages < 64; ++messages) {
    ws.read(buffer, ec);
    if (ec) {
      break;  // Beast has answered a protocol error with its close frame.
    }
    if (ws.got_text()) {
      (void)mcprt::rpc::decode(beast::buffers_to_string(buffer.data()));
    }
    buffer.consume(buffer.size());
  }
  return 0;
}
