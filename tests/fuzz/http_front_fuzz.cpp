// libFuzzer target for the HTTP front door: any bytes as what a client sends on a connection.
// Beast's parser with the server's limits reads them as transport/http_session does; a
// complete request then goes the endpoint's pure way: the MCP headers read out
// (read_mcp_request: session id, protocol version, Mcp-Method, Mcp-Name, Mcp-Param-*,
// Last-Event-ID, Authorization), Accept, Content-Type and Host, the bearer credential, and
// the body decoded with its `_meta` read. (The 2026-07-28 header rules over the result are
// unit-tested: they pull in the whole method table.) Built by `make fuzz`.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "actors/front/mcp_request.hpp"
#include "actors/front/media_types.hpp"
#include "runtime/auth/bearer.hpp"
#include "runtime/codec/json.hpp"
#include "runtime/codec/json_rpc.hpp"
#include "runtime/mcp/protocol.hpp"
#include "runtime/mcp/request_meta.hpp"
#include "transport/request_head.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mcprt;
  using namespace mcprt::actors::front;
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);  // The defaults of limits.maxHeaderKb and maxPayloadKb.
  parser.body_limit(std::uint64_t{512} * 1024);
  boost::beast::error_code ec;
  auto input = boost::asio::buffer(data, size);
  // As a socket delivers it: the parser takes what it can, the rest waits for more bytes.
  while (input.size() > 0 && !parser.is_done()) {
    auto used = parser.put(input, ec);
    if (ec == http::error::need_more) {
      ec = {};
      if (used == 0) {
        break;
      }
    } else if (ec) {
      return 0;  // The session answers 400/413/431/414 and closes.
    }
    input += used;
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) {
      return 0;
    }
  }
  auto msg = parser.release();
  auto head = transport::request_head(msg);  // As transport/http_session hands it over.
  head.body = std::move(msg.body());
  auto req = read_mcp_request(std::move(head));
  (void)accepts(req.accept, "application/json");
  (void)accepts(req.accept, "text/event-stream");
  (void)is_json_media_type(req.content_type);
  (void)host_name(req.host);
  (void)read_bearer(req.has_authorization ? &req.authorization : nullptr);
  (void)query_carries_token(req.query);
  auto decoded = rpc::decode(req.body);
  if (const auto* msg = std::get_if<rpc::message>(&decoded)) {
    const auto* meta = request_meta(*msg);
    const auto* body_version =
        meta != nullptr ? find_member(*meta, meta_key::protocol_version) : nullptr;
    if (body_version != nullptr && body_version->IsString()) {
      (void)is_modern_version(body_version->GetString());
    }
  }
  return 0;
}
