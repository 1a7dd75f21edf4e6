// The listener (accepts only) and the I/O threads. Each I/O thread runs its own io_context,
// and a connection lives on one of them from accept to close, so it needs no strand and its
// wakes resume it directly; new connections take the threads in turn.
#include "transport/http_server.hpp"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <thread>
#include <vector>

#include "runtime/observe/log.hpp"
#include "transport/http_session.hpp"
#include "transport/tls_server.hpp"

namespace mcprt::transport {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

using clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds first_backoff{10};
constexpr std::chrono::milliseconds most_backoff{1000};
constexpr std::chrono::seconds report_every{10};

// The metric label for an accept() failure.
std::string_view accept_failure_reason(const boost::system::error_code& ec) {
  if (ec == net::error::no_descriptors || ec.value() == ENFILE) {
    return "descriptors";
  }
  if (ec == net::error::no_buffer_space || ec == net::error::no_memory) {
    return "memory";
  }
  return "other";
}

}  // namespace

// One I/O thread: its io_context (run by that thread alone), and what its connections share.
struct io_loop {
  net::io_context ioc{1};  // Concurrency hint: one thread runs it.
  // The thread's flush window (wake_batch) and idle lists keep time on these, made and
  // destroyed with the io_context they use.
  net::steady_timer flush_timer{ioc};
  net::steady_timer idle_timer{ioc};
  net::steady_timer ws_keep_alive_timer{ioc};
  net::executor_work_guard<net::io_context::executor_type> busy = net::make_work_guard(ioc);
  std::shared_ptr<const connection_context> ctx;  // The server's, with this loop's wakes.
  std::thread thread;
};

struct http_server::impl {
  std::shared_ptr<connection_context> ctx = std::make_shared<connection_context>();
  // The first loop also runs the listener; made before start() so listen() can use it.
  std::vector<std::unique_ptr<io_loop>> loops = [] {
    std::vector<std::unique_ptr<io_loop>> v;
    v.push_back(std::make_unique<io_loop>());
    return v;
  }();
  net::io_context& ioc = loops.front()->ioc;
  tcp::acceptor acceptor{ioc};
  size_t next_loop = 0;  // Where the next connection goes.
  // One accept is outstanding at a time, so these are touched by one handler at a time.
  net::steady_timer retry{ioc};
  std::chrono::milliseconds backoff{0};
  clock::time_point last_report{};
  uint64_t unreported_failures = 0;

  // Accept the next connection onto the next loop in turn.
  void do_accept() {
    auto& loop = *loops[next_loop];
    next_loop = (next_loop + 1) % loops.size();
    acceptor.async_accept(loop.ioc, [this, &loop](boost::system::error_code ec, tcp::socket s) {
      on_accept(ec, std::move(s), loop.ctx);
    });
  }

  void on_accept(boost::system::error_code ec, tcp::socket socket,
                 const std::shared_ptr<const connection_context>& loop_ctx) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) {
      return;
    }
    if (ec) {
      return back_off(ec);
    }
    backoff = {};
    serve(std::move(socket), loop_ctx);
    do_accept();
  }

  void serve(tcp::socket socket, const std::shared_ptr<const connection_context>& loop_ctx) {
    boost::system::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    if (ctx->options.send_buffer_bytes > 0) {
      // Bounds what the kernel buffers for a slow reader, so the notifier's queue and its
      // overflow policy, not the socket, decide what a stalled subscriber costs.
      socket.set_option(net::socket_base::send_buffer_size(ctx->options.send_buffer_bytes), ec);
    }
    // Counted with or without a cap, so a cap set by SIGHUP knows what is open.
    auto peer = socket.remote_endpoint(ec);
    if (ec) {
      return;  // Reset before we got to it.
    }
    auto slot = ctx->limiter->admit(peer.address().to_string());
    if (!slot) {
      return refuse_http_connection(std::move(socket), loop_ctx);
    }
    start_http_session(std::move(socket), loop_ctx, std::move(slot));
  }

  // Out of descriptors (or memory): accepting again at once fails again at once and spins a
  // core. Wait, doubling up to a second, while open connections keep being served; new ones
  // wait in the kernel's backlog until descriptors free up. One log line per interval.
  void back_off(const boost::system::error_code& ec) {
    ctx->metrics->accept_failed(accept_failure_reason(ec));
    backoff = std::clamp(backoff * 2, first_backoff, most_backoff);
    ++unreported_failures;
    auto now = clock::now();
    if (now - last_report >= report_every) {
      log::warn("accept failed error=\"" + ec.message() +
                "\" failures=" + std::to_string(unreported_failures) +
                " retry_ms=" + std::to_string(backoff.count()) +
                " (open connections are still served; see mcprt_accept_failures_total)");
      unreported_failures = 0;
      last_report = now;
    }
    retry.expires_after(backoff);
    retry.async_wait([this](boost::system::error_code e) {
      if (!e) {
        do_accept();
      }
    });
  }
};

http_server::http_server(server_options options, std::shared_ptr<http_handler> handler,
                         std::shared_ptr<mcprt::metrics> metrics)
    : impl_(std::make_unique<impl>()) {
  impl_->ctx->options = std::move(options);
  impl_->ctx->handler = std::move(handler);
  impl_->ctx->metrics = std::move(metrics);
  impl_->ctx->limiter =
      std::make_shared<address_limiter>(impl_->ctx->options.max_connections_per_address);
  impl_->ctx->limits = std::make_shared<live_limits>(impl_->ctx->options);
}

void http_server::apply_limits(const server_options& next) {
  impl_->ctx->limits->set(next);
  impl_->ctx->limiter->set_cap(next.max_connections_per_address);
}

http_server::~http_server() {
  try {
    stop();
  } catch (const std::exception& e) {  // A thread that cannot be joined: nothing left to do.
    log::error(std::string("stopping the HTTP server failed: ") + e.what());
  }
}

std::string http_server::load_tls() {
  if (!impl_->ctx->options.tls.enabled()) {
    return {};
  }
  auto made = make_server_tls(impl_->ctx->options.tls);
  if (!made) {
    return made.error();
  }
  impl_->ctx->tls = std::make_shared<tls_context_holder>(std::move(made.value()));
  return {};
}

std::string http_server::reload_tls(const tls_files& files) {
  if (!impl_->ctx->tls) {
    return "TLS is off in the running server (turning it on needs a restart)";
  }
  if (!files.enabled()) {
    return "TLS cannot be turned off while the server runs (restart to serve plain HTTP)";
  }
  auto made = make_server_tls(files);
  if (!made) {
    return made.error();
  }
  impl_->ctx->tls->set(std::move(made.value()));
  return {};
}

std::error_code http_server::listen(uint16_t& bound_port) {
  boost::system::error_code ec;
  const auto& host = impl_->ctx->options.host;
  auto address = net::ip::make_address(host, ec);
  if (ec) {
    // A host name (localhost, an interface's name in /etc/hosts): its first address, looked
    // up once at start on this thread, before any connection is served.
    tcp::resolver resolver(impl_->ioc);
    auto found = resolver.resolve(host, std::to_string(impl_->ctx->options.port),
                                  tcp::resolver::numeric_service, ec);
    if (ec) {
      return ec;
    }
    address = found.begin()->endpoint().address();
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

int io_threads_for(int configured, unsigned cores) {
  if (configured > 0) {
    return configured;
  }
  return std::max(1, static_cast<int>(cores) - 1);
}

int http_server::io_threads() const {
  return io_threads_for(impl_->ctx->options.io_threads, std::thread::hardware_concurrency());
}

void http_server::start() {
  auto& loops = impl_->loops;
  for (int i = static_cast<int>(loops.size()); i < io_threads(); ++i) {
    loops.push_back(std::make_unique<io_loop>());
  }
  // Options, TLS and handler are set by now; each loop's copy differs only in its wakes and
  // its idle lists.
  for (auto& loop : loops) {
    auto ctx = std::make_shared<connection_context>(*impl_->ctx);
    ctx->wakes = std::make_shared<wake_batch>(loop->ioc);
    ctx->wakes->hold_notes(loop->flush_timer,
                           [limits = ctx->limits] { return limits->flush_interval(); });
    ctx->idle = std::make_shared<idle_list>(
        loop->idle_timer, [limits = ctx->limits] { return limits->idle_timeout(); });
    ctx->ws_keep_alive = std::make_shared<idle_list>(
        loop->ws_keep_alive_timer,
        [limits = ctx->limits] { return limits->ws_idle_timeout() / 2; });
    loop->ctx = std::move(ctx);
  }
  impl_->do_accept();
  for (auto& loop : loops) {
    loop->thread = std::thread([&ioc = loop->ioc] { ioc.run(); });
  }
}

int64_t http_server::unwritten() const {
  return impl_->ctx->unwritten->load();
}

size_t http_server::end_streams(std::chrono::milliseconds retry) {
  return impl_->ctx->streams->end_all(retry);
}

size_t http_server::streams_open() const {
  return impl_->ctx->streams->open();
}

void http_server::stop() {
  if (!impl_) {
    return;
  }
  net::post(impl_->ioc, [this] {
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    impl_->retry.cancel();
  });
  for (auto& loop : impl_->loops) {
    if (loop->ctx) {
      loop->ctx->wakes->stop();  // Outboxes may outlive the I/O threads; their wakes end here.
    }
    loop->ioc.stop();
  }
  for (auto& loop : impl_->loops) {
    if (loop->thread.joinable()) {
      loop->thread.join();
    }
  }
}

}  // namespace mcprt::transport
