// The listener (accepts only) and the I/O threads. Each connection gets its own strand.
#include "transport/http_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <thread>
#include <vector>

#include "runtime/log.hpp"
#include "transport/http_session.hpp"

namespace mcprt::transport {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct http_server::impl {
  std::shared_ptr<connection_context> ctx = std::make_shared<connection_context>();
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;

  // Accept the next connection.
  void do_accept() {
    acceptor.async_accept(
        net::make_strand(ioc),
        [this](boost::system::error_code ec, tcp::socket s) { on_accept(ec, std::move(s)); });
  }

  void on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) {
      return;
    }
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      if (ctx->options.send_buffer_bytes > 0) {
        // Bounds what the kernel buffers for a slow reader, so the notifier's queue and its
        // overflow policy, not the socket, decide what a stalled subscriber costs.
        socket.set_option(net::socket_base::send_buffer_size(ctx->options.send_buffer_bytes), ec);
      }
      start_http_session(std::move(socket), ctx);
    } else {
      log::warn(std::string("accept failed error=") + ec.message());
    }
    do_accept();
  }
};

http_server::http_server(server_options options, std::shared_ptr<http_handler> handler,
                         std::shared_ptr<mcprt::metrics> metrics)
    : impl_(std::make_unique<impl>()) {
  impl_->ctx->options = std::move(options);
  impl_->ctx->handler = std::move(handler);
  impl_->ctx->metrics = std::move(metrics);
}

http_server::~http_server() {
  stop();
}

std::error_code http_server::listen(uint16_t& bound_port) {
  boost::system::error_code ec;
  auto address = net::ip::make_address(impl_->ctx->options.host, ec);
  if (ec) {
    return ec;
  }
  tcp::endpoint ep{address, impl_->ctx->options.port};
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) {
    a.set_option(net::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    a.bind(ep, ec);
  }
  if (!ec) {
    a.listen(net::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return ec;
  }
  bound_port = a.local_endpoint().port();
  return {};
}

void http_server::start() {
  impl_->do_accept();
  int n = std::max(1, impl_->ctx->options.io_threads);
  for (int i = 0; i < n; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
}

void http_server::stop() {
  if (!impl_) {
    return;
  }
  net::post(impl_->ioc, [this] {
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
  });
  impl_->ioc.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) {
      t.join();
    }
  }
  impl_->threads.clear();
}

}  // namespace mcprt::transport
