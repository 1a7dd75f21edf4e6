// A complete response's head as Beast's parser reads it back, and the bytes of head and body
// still to send after a partial write.
#include "transport/response_head.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <catch2/catch.hpp>
#include <string>

#include "transport/answer_bytes.hpp"

using mcprt::http_response;
using mcprt::transport::answer_bytes;
using mcprt::transport::asks_to_close;
using mcprt::transport::response_head;
namespace http = boost::beast::http;

namespace {

// Parses head + body as a client would.
http::response<http::string_body> parse(const std::string& bytes) {
  http::response_parser<http::string_body> p;
  p.eager(true);
  boost::beast::error_code ec;
  p.put(boost::asio::buffer(bytes), ec);
  REQUIRE_FALSE(ec);
  REQUIRE(p.is_done());
  return p.release();
}

}  // namespace

TEST_CASE("a response head reads back with its status, fields and length", "[response_head]") {
  http_response r;
  r.status = 202;
  r.content_type = "application/json";
  r.headers = {{"Mcp-Session-Id", "abc"}, {"Retry-After", "1"}};
  r.body = R"({"jsonrpc":"2.0"})";
  auto msg = parse(response_head(r, true) + r.body);
  CHECK(msg.result_int() == 202);
  CHECK(msg.reason() == "Accepted");
  CHECK(msg[http::field::server] == "mcprt");
  CHECK(msg[http::field::content_type] == "application/json");
  CHECK(msg["Mcp-Session-Id"] == "abc");
  CHECK(msg[http::field::retry_after] == "1");
  CHECK(msg.keep_alive());
  CHECK(msg.body() == r.body);
}

TEST_CASE("a response head says close when the connection closes, once", "[response_head]") {
  http_response r;
  r.status = 503;
  r.headers = {{"connection", "Close"}};
  CHECK(asks_to_close(r));
  auto head = response_head(r, false);
  auto msg = parse(head);
  CHECK_FALSE(msg.keep_alive());
  CHECK(msg[http::field::content_length] == "0");
  CHECK(head.find("onnection") == head.rfind("onnection"));  // One Connection field.
  CHECK_FALSE(asks_to_close(http_response{}));
}

TEST_CASE("a 204 or 304 head has no Content-Length", "[response_head]") {
  http_response r;
  r.status = 204;
  CHECK(response_head(r, true).find("Content-Length") == std::string::npos);
  r.status = 304;
  CHECK(response_head(r, true).find("Content-Length") == std::string::npos);
}

TEST_CASE("the unsent part of an answer starts where a partial write ended", "[response_head]") {
  answer_bytes a{"HEAD:", "body-bytes"};
  CHECK(a.size() == 15);
  auto text = [&](size_t sent) { return boost::beast::buffers_to_string(a.unsent(sent)); };
  CHECK(text(0) == "HEAD:body-bytes");
  CHECK(text(3) == "D:body-bytes");
  CHECK(text(5) == "body-bytes");
  CHECK(text(9) == "-bytes");
  CHECK(text(15).empty());
  // Nothing of the unsent part is an empty first buffer (Beast's TLS stream stops there).
  auto rest = a.unsent(5);
  CHECK(boost::asio::const_buffer(*boost::asio::buffer_sequence_begin(rest)).size() == 10);
}
