// The ceiling server: the least work an HTTP server on Beast can do per request on this
// machine. It reads a request and answers a fixed JSON-RPC result: no actors, no JSON
// parsing, no MCP. mcprt's figures are stated as a fraction of this one's.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <memory>
#include <string>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

const std::string reply =
    R"({"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"xxxxxxxxxxxxxxxx"}]}})";

class session : public std::enable_shared_from_this<session> {
 public:
  explicit session(tcp::socket s) : stream_(std::move(s)) {}
  void do_read() {
    req_ = {};
    http::async_read(
        stream_, buf_, req_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec) {
      return;
    }
    res_ = {http::status::ok, 11};
    res_.set(http::field::content_type, "application/json");
    res_.keep_alive(req_.keep_alive());
    res_.body() = reply;
    res_.prepare_payload();
    http::async_write(stream_, res_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (!ec && self->res_.keep_alive()) {
                          self->do_read();
                        }
                      });
  }
  beast::tcp_stream stream_;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

void do_accept(tcp::acceptor& a, net::io_context& ioc) {
  a.async_accept(net::make_strand(ioc), [&a, &ioc](beast::error_code ec, tcp::socket s) {
    if (!ec) {
      s.set_option(tcp::no_delay(true));
      std::make_shared<session>(std::move(s))->do_read();
    }
    do_accept(a, ioc);
  });
}

int serve(int argc, char** argv) {
  unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 0;
  net::io_context ioc{1};
  tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), port});
  std::fprintf(stderr, "ceiling listening on http://127.0.0.1:%u/mcp\n",
               acceptor.local_endpoint().port());
  do_accept(acceptor, ioc);
  ioc.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return serve(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ceiling: %s\n", e.what());
    return 1;
  }
}
