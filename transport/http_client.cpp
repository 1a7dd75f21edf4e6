// One coroutine per request: resolve, connect, (TLS handshake), write, read, under one
// deadline for the whole exchange.
#include "transport/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <thread>

#include "runtime/codec/url.hpp"

namespace mcprt::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::use_awaitable;

struct http_client::impl {
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread thread;

  ~impl() {
    work.reset();
    io.stop();
    if (thread.joinable()) {
      thread.join();
    }
  }
};

namespace {

template <class Stream>
asio::awaitable<fetch_response> exchange(Stream& stream, const fetch_request& req,
                                         const http_url& url) {
  http::request<http::string_body> out{req.method == "POST" ? http::verb::post : http::verb::get,
                                       url.target, 11};
  out.set(http::field::host, url.origin().substr(url.scheme.size() + 3));
  out.set(http::field::user_agent, "mcprt");
  for (const auto& [name, value] : req.headers) {
    out.set(name, value);
  }
  if (req.method == "POST") {
    out.body() = req.body;
    out.prepare_payload();
  }
  co_await http::async_write(stream, out, use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(req.max_body_bytes);
  co_await http::async_read(stream, buffer, parser, use_awaitable);
  auto& in = parser.get();
  co_return fetch_response{in.result_int(), std::string(in[http::field::content_type]),
                           std::move(in.body())};
}

asio::awaitable<fetch_result> attempt(asio::ssl::context& tls, fetch_request req, http_url url) {
  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  beast::tcp_stream tcp(executor);
  tcp.expires_after(req.timeout);
  // IPv6 literals resolve without their brackets.
  auto host = url.host.front() == '[' ? url.host.substr(1, url.host.size() - 2) : url.host;
  auto endpoints = co_await resolver.async_resolve(host, url.port, use_awaitable);
  co_await tcp.async_connect(endpoints, use_awaitable);
  if (url.scheme == "http") {
    auto answer = co_await exchange(tcp, req, url);
    beast::error_code ignored;
    tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    co_return answer;
  }
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), tls);
  if (SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()) != 1) {
    co_return std::string("cannot set the TLS server name");
  }
  stream.set_verify_mode(asio::ssl::verify_peer);
  stream.set_verify_callback(asio::ssl::host_name_verification(host));
  co_await stream.async_handshake(asio::ssl::stream_base::client, use_awaitable);
  auto answer = co_await exchange(stream, req, url);
  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return answer;
}

// Runs the attempt and hands `done` its result or the reason it failed.
asio::awaitable<void> run(asio::ssl::context& tls, fetch_request req, http_url url,
                          std::function<void(fetch_result)> done) {
  fetch_result result = std::string("not attempted");
  try {
    result = co_await attempt(tls, std::move(req), std::move(url));
  } catch (const boost::system::system_error& e) {
    result = std::string(e.code() == beast::error::timeout ? "timed out" : e.code().message());
  } catch (const std::exception& e) {
    result = std::string(e.what());
  }
  done(std::move(result));
}

}  // namespace

http_client::http_client(std::unique_ptr<impl> i) : impl_(std::move(i)) {}

http_client::~http_client() = default;

expected<std::unique_ptr<http_client>, std::string> http_client::make(
    const std::string& extra_ca_file) {
  auto i = std::make_unique<impl>();
  boost::system::error_code ec;
  i->tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1,
                     ec);
  i->tls.set_default_verify_paths(ec);
  if (!extra_ca_file.empty()) {
    i->tls.load_verify_file(extra_ca_file, ec);
    if (ec) {
      return "cannot read the CA file '" + extra_ca_file + "': " + ec.message();
    }
  }
  auto* raw = i.get();
  i->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<http_client>(new http_client(std::move(i)));
}

void http_client::fetch(fetch_request request, std::function<void(fetch_result)> done) {
  auto url = parse_http_url(request.url);
  if (!url) {
    asio::post(impl_->io, [done = std::move(done), why = url.error()] { done(why); });
    return;
  }
  asio::co_spawn(impl_->io, run(impl_->tls, std::move(request), std::move(*url), std::move(done)),
                 asio::detached);
}

}  // namespace mcprt::transport
