// The fan-out scenario: N subscribers (WebSocket or Streamable HTTP GET streams) each
// subscribe to one or more ticker channels (ticker://channel/<i mod topics> and the ones after
// it) and read what arrives. Every tick carries its channel, sequence number and send time, so
// delivery latency (send to read, one host, one clock) and loss (gaps in a subscriber's
// sequence on one channel) are measured exactly.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cerrno>
#include <charconv>
#include <memory>
#include <random>
#include <system_error>
#include <thread>
#include <vector>

#include "benches/load/net_util.hpp"
#include "benches/load/proc_stats.hpp"
#include "benches/load/scenario.hpp"
#include "benches/load/ws_reader.hpp"

namespace mcprt::bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The integer after `key` in `msg`, searched from `from` (moved past it), or -1.
int64_t field(std::string_view msg, std::string_view key, size_t& from) {
  auto at = msg.find(key, from);
  if (at == std::string_view::npos) {
    return -1;
  }
  int64_t v = -1;
  auto start = msg.data() + at + key.size();
  auto end = std::from_chars(start, msg.data() + msg.size(), v).ptr;
  from = static_cast<size_t>(end - msg.data());
  return v;
}

const std::string initialize_body =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"mcprt-bench","version":"1"}}})";
const std::string initialized_body = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";

// Request `step` of a subscriber's set-up: initialize, initialized, then one subscribe per
// channel it follows (`first` and the ones after it).
std::string setup_body(const options& o, int first, int step) {
  if (step == 0) {
    return initialize_body;
  }
  if (step == 1) {
    return initialized_body;
  }
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(step) +
         R"(,"method":"resources/subscribe","params":{"uri":"ticker://channel/)" +
         std::to_string((first + step - 2) % o.topics) + R"("}})";
}

int setup_steps(const options& o) {
  return 2 + std::min(o.per_subscriber, o.topics);
}

// The last sequence number a subscriber saw on each channel.
using last_seen = std::vector<int64_t>;

// A subscriber whose socket its worker's epoll watches (worker::watch).
class readable {
 public:
  virtual void on_readable() = 0;

 protected:
  ~readable() = default;
};

struct worker {
  const options& opt;
  std::vector<target> wheres;  // One per --url.
  net::io_context ioc;
  std::vector<tcp::resolver::results_type> endpoints;
  clock::time_point window_start, window_end;
  histogram latency;
  std::vector<histogram> by_url;
  uint64_t delivered = 0, lost = 0;
  std::map<std::string, uint64_t> errors;
  int ready = 0;  // Subscribed and reading still.

  explicit worker(const options& o) : opt(o), by_url(o.urls.size()) {
    for (const auto& u : o.urls) {
      wheres.push_back(parse_url(u));
    }
    ready_set = epoll_create1(EPOLL_CLOEXEC);
    if (ready_set < 0) {
      throw std::system_error(errno, std::generic_category(), "epoll_create1");
    }
  }
  ~worker() { close(ready_set); }

  // Subscribed WebSocket sockets are read as the floor probe's reader reads its own: one
  // level-triggered epoll of the worker's reports them, one read each, and nothing else watches
  // them (ws_subscriber::read takes each socket out of Asio). On loopback the writer's CPU runs
  // the reader's wake-up callbacks: with each socket in Asio's epoll as well, and this epoll
  // inside Asio's, an arrival ran three where the floor's reader runs one, and the server paid
  // 0.4–1.2 µs per delivery more than the floor's writer for the client's way of waiting.
  bool watch(int fd, readable& who) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &who;
    return epoll_ctl(ready_set, EPOLL_CTL_ADD, fd, &ev) == 0;
  }
  void unwatch(int fd) { epoll_ctl(ready_set, EPOLL_CTL_DEL, fd, nullptr); }

  // The worker's thread. WebSocket subscribers are set up through Asio, then read from this
  // epoll: the thread waits on it, running Asio's handlers between waits and at least every
  // millisecond (setting up, the stop). SSE subscribers are read through Asio alone.
  void run() {
    if (opt.transport != "ws") {
      ioc.run();
      return;
    }
    auto keep_running = net::make_work_guard(ioc);  // Until stopped, even with nothing to do.
    std::array<epoll_event, 256> events;
    while (!ioc.stopped()) {
      bool ran = ioc.poll() > 0;
      int k = epoll_wait(ready_set, events.data(), events.size(), ran ? 0 : 1);
      for (int i = 0; i < k; ++i) {
        static_cast<readable*>(events[static_cast<size_t>(i)].data.ptr)->on_readable();
      }
    }
  }

  // A fresh mask for each frame the client sends itself (RFC 6455 §5.3).
  std::array<uint8_t, 4> next_mask() {
    auto m = static_cast<uint32_t>(mask_source());
    return {static_cast<uint8_t>(m), static_cast<uint8_t>(m >> 8), static_cast<uint8_t>(m >> 16),
            static_cast<uint8_t>(m >> 24)};
  }
  std::mt19937 mask_source{std::random_device{}()};
  int ready_set = -1;             // The epoll: readable when a socket is.
  std::vector<char> read_buffer;  // Where its WebSocket subscribers read.

  // Bytes were just read: the messages in them arrived now. Read once per read, not per
  // message, so a read of eight messages costs the client two clock reads, not sixteen.
  void stamp_read() {
    read_at = clock::now();
    read_at_us = now_us();
  }
  clock::time_point read_at;
  int64_t read_at_us = 0;

  // One message read by a subscriber of URL `u` that saw `seen` so far (at stamp_read()).
  void on_message(std::string_view msg, last_seen& seen, size_t u) {
    // One pass: the method, then the fields in the order the ticker writes them.
    auto from = msg.find("ticker/tick");
    if (from == std::string_view::npos) {
      return;
    }
    auto channel = field(msg, "ticker://channel/", from);
    if (channel < 0) {
      return;
    }
    if (seen.size() <= static_cast<size_t>(channel)) {
      seen.resize(static_cast<size_t>(channel) + 1, 0);
    }
    auto& last = seen[static_cast<size_t>(channel)];
    auto seq = field(msg, R"("seq":)", from);
    auto sent = field(msg, R"("sentUs":)", from);
    bool in_window = read_at >= window_start && read_at < window_end;
    if (in_window && last > 0 && seq > last + 1) {
      lost += static_cast<uint64_t>(seq - last - 1);
    }
    last = std::max(last, seq);
    if (in_window && sent > 0) {
      auto ns = static_cast<uint64_t>(std::max<int64_t>(0, read_at_us - sent)) * 1000;
      latency.record(ns);
      by_url[u].record(ns);
      ++delivered;
    }
  }
  void error(const std::string& kind) { ++errors[kind]; }
};

// A WebSocket subscriber: handshake (subprotocol mcp), initialize, subscribe, read forever.
class ws_subscriber final : public std::enable_shared_from_this<ws_subscriber>, public readable {
 public:
  ws_subscriber(worker& w, int topic, size_t u) : w_(w), ws_(w.ioc), topic_(topic), u_(u) {}
  ~ws_subscriber() {
    if (fd_ >= 0) {
      close(fd_);
    }
  }

  void start() {
    beast::get_lowest_layer(ws_).async_connect(
        w_.endpoints[u_], [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
          if (ec) {
            return self->w_.error("connect");
          }
          self->ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& r) {
            r.set(http::field::sec_websocket_protocol, "mcp");
          }));
          self->ws_.async_handshake(
              self->w_.wheres[self->u_].host + ":" + self->w_.wheres[self->u_].port,
              self->w_.wheres[self->u_].path, [self](beast::error_code ec) {
                if (ec) {
                  return self->w_.error("handshake");
                }
                self->send(0);
              });
        });
  }

 private:
  // Sends initialize, initialized and the subscribes in order, then reads.
  void send(int step) {
    body_ = setup_body(w_.opt, topic_, step);
    ws_.text(true);
    ws_.async_write(net::buffer(body_),
                    [self = shared_from_this(), step](beast::error_code ec, std::size_t) {
                      if (ec) {
                        return self->w_.error("write");
                      }
                      if (step + 1 < setup_steps(self->w_.opt)) {
                        return self->send(step + 1);
                      }
                      self->read();
                    });
  }

  // Takes the socket from Asio once set up and reads it itself (ws_reader.hpp) when the
  // worker's epoll reports it. The server writes nothing before initialize, so Beast's
  // handshake left no bytes of it behind in its own buffer.
  void read() {
    auto& socket = beast::get_lowest_layer(ws_).socket();
    beast::error_code ec;
    socket.non_blocking(true, ec);
    if (!ec) {
      fd_ = socket.release(ec);
    }
    if (ec || !w_.watch(fd_, *this)) {
      return w_.error("watch");
    }
    ++w_.ready;
  }

  // One read per report, as the floor's reader does: what it leaves is reported again. The
  // read goes into the worker's buffer, which every subscriber shares and the cache keeps, as
  // the floor's reader reads into its one buffer; a subscriber keeps only a partial frame.
  void on_readable() override {
    auto& in = w_.read_buffer;
    if (in.size() < partial_.size() + 16384) {
      in.resize(std::max<size_t>(65536, 2 * (partial_.size() + 16384)));
    }
    std::copy(partial_.begin(), partial_.end(), in.begin());
    auto n = ::read(fd_, in.data() + partial_.size(), in.size() - partial_.size());
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      return;
    }
    if (n > 0) {
      w_.stamp_read();
      if (take_frames(std::string_view(in.data(), partial_.size() + static_cast<size_t>(n)))) {
        return;
      }
    }
    w_.unwatch(fd_);
    --w_.ready;
    w_.error(n <= 0 ? "closed" : "bad frame");
  }

  // Hands each whole message in `rest` to the worker and keeps a partial frame for the next
  // read.
  bool take_frames(std::string_view rest) {
    server_frame f;
    size_t used = 0;
    for (;;) {
      auto cut = next_frame(rest, f, used);
      if (cut == frame_cut::masked) {
        return false;
      }
      if (cut == frame_cut::partial) {
        break;
      }
      rest.remove_prefix(used);
      if (f.opcode == 8) {
        return false;  // Close: the server ended the connection.
      }
      if (f.opcode == 9) {
        pong(f.payload);  // The server closes a connection that stays silent (its keep-alive).
        continue;
      }
      if (f.opcode >= 8) {
        continue;  // A pong: this client sends no pings.
      }
      if (f.fin && f.opcode != 0 && message_.empty()) {
        w_.on_message(f.payload, last_, u_);
        continue;
      }
      message_.append(f.payload);  // A fragmented message (this server never sends one).
      if (f.fin) {
        w_.on_message(message_, last_, u_);
        message_.clear();
      }
    }
    partial_.assign(rest);
    return true;
  }

  // Answers a ping with a pong carrying its payload (RFC 6455 §5.5.2). Pings come every half
  // idle timeout, and a pong is a few bytes: the socket takes it whole.
  void pong(std::string_view payload) {
    client_pong frame(payload, w_.next_mask());
    if (frame.size == 0) {
      return w_.error("bad ping");  // A control frame's payload is at most 125 bytes.
    }
    if (::send(fd_, frame.bytes.data(), frame.size, MSG_NOSIGNAL | MSG_DONTWAIT) !=
        static_cast<ssize_t>(frame.size)) {
      w_.error("pong");
    }
  }

  worker& w_;
  websocket::stream<beast::tcp_stream> ws_;
  std::string body_;
  int fd_ = -1;  // The socket, taken from Asio once set up.
  int topic_;
  size_t u_;  // Which --url.
  last_seen last_;
  std::string partial_;  // Bytes read, not yet a whole frame.
  std::string message_;
};

// A Streamable HTTP subscriber: a 2025 session by POST, then its GET stream, read chunk by
// chunk as SSE.
class sse_subscriber : public std::enable_shared_from_this<sse_subscriber> {
 public:
  sse_subscriber(worker& w, int topic, size_t u) : w_(w), stream_(w.ioc), topic_(topic), u_(u) {}

  void start() {
    stream_.async_connect(w_.endpoints[u_],
                          [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                            if (ec) {
                              return self->w_.error("connect");
                            }
                            self->post(0);
                          });
  }

 private:
  void post(int step) {
    req_ = {http::verb::post, w_.wheres[u_].path, 11};
    req_.set(http::field::host, w_.wheres[u_].host + ":" + w_.wheres[u_].port);
    req_.set(http::field::content_type, "application/json");
    req_.set(http::field::accept, "application/json, text/event-stream");
    if (!session_.empty()) {
      req_.set("Mcp-Session-Id", session_);
    }
    req_.body() = setup_body(w_.opt, topic_, step);
    req_.prepare_payload();
    http::async_write(
        stream_, req_, [self = shared_from_this(), step](beast::error_code ec, std::size_t) {
          if (ec) {
            return self->w_.error("write");
          }
          self->res_.emplace();
          http::async_read(self->stream_, self->buffer_, *self->res_,
                           [self, step](beast::error_code ec, std::size_t) {
                             if (ec) {
                               return self->w_.error("read");
                             }
                             if (step == 0) {
                               self->session_ = std::string(self->res_->get()["Mcp-Session-Id"]);
                             }
                             if (step + 1 < setup_steps(self->w_.opt)) {
                               return self->post(step + 1);
                             }
                             self->get();
                           });
        });
  }

  void get() {
    req_ = {http::verb::get, w_.wheres[u_].path, 11};
    req_.set(http::field::host, w_.wheres[u_].host + ":" + w_.wheres[u_].port);
    req_.set(http::field::accept, "text/event-stream");
    req_.set("Mcp-Session-Id", session_);
    req_.body().clear();
    req_.prepare_payload();
    http::async_write(stream_, req_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) {
                          return self->w_.error("write");
                        }
                        self->parser_.emplace();
                        self->parser_->body_limit(boost::none);
                        self->parser_->on_chunk_body(self->on_chunk_);
                        ++self->w_.ready;
                        self->read();
                      });
    on_chunk_ = [this](std::uint64_t, beast::string_view body, beast::error_code&) {
      w_.stamp_read();
      sse_.append(body.data(), body.size());
      size_t end;
      while ((end = sse_.find("\n\n")) != std::string::npos) {
        std::string_view event(sse_.data(), end);
        if (auto data = event.find("data: "); data != std::string_view::npos) {
          w_.on_message(event.substr(data + 6), last_, u_);
        }
        sse_.erase(0, end + 2);
      }
      return body.size();
    };
  }

  void read() {
    http::async_read_some(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) {
                              --self->w_.ready;
                              return self->w_.error("closed");
                            }
                            self->read();
                          });
  }

  worker& w_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  std::optional<http::response_parser<http::string_body>> res_;
  std::optional<http::response_parser<http::empty_body>> parser_;
  std::function<std::size_t(std::uint64_t, beast::string_view, beast::error_code&)> on_chunk_;
  std::string session_, sse_;
  int topic_;
  size_t u_;  // Which --url.
  last_seen last_;
};

}  // namespace

result run_fanout(const options& o) {
  raise_fd_limit();
  int n = std::max(1, o.threads);
  std::vector<std::unique_ptr<worker>> workers;
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<worker>(o);
    tcp::resolver resolver(w->ioc);
    for (const auto& where : w->wheres) {
      w->endpoints.push_back(resolver.resolve(where.host, where.port));
    }
    workers.push_back(std::move(w));
  }
  std::vector<std::shared_ptr<void>> subs;
  for (int c = 0; c < o.connections; ++c) {
    auto& w = *workers[static_cast<size_t>(c % n)];
    auto u = static_cast<size_t>(c) % o.urls.size();
    if (o.transport == "ws") {
      auto s = std::make_shared<ws_subscriber>(w, c % o.topics, u);
      s->start();
      subs.push_back(s);
    } else {
      auto s = std::make_shared<sse_subscriber>(w, c % o.topics, u);
      s->start();
      subs.push_back(s);
    }
  }
  // The window opens after the warm-up, which also covers connecting everyone.
  auto t0 = clock::now();
  for (auto& w : workers) {
    w->window_start = t0 + o.warmup;
    w->window_end = w->window_start + o.duration;
  }
  std::vector<std::thread> threads;
  threads.reserve(workers.size());
  for (auto& w : workers) {
    threads.emplace_back([&w] { w->run(); });
  }
  std::this_thread::sleep_until(t0 + o.warmup);
  std::optional<proc_sample> at_window;
  if (!o.server_pids.empty()) {
    at_window = read_procs(o.server_pids);
  }
  auto client_at_window = read_proc(getpid());
  std::this_thread::sleep_until(t0 + o.warmup + o.duration);
  result r;
  if (auto client_end = read_proc(getpid()); client_end && client_at_window) {
    r.client_cpu_seconds = client_end->cpu_seconds - client_at_window->cpu_seconds;
  }
  if (!o.server_pids.empty()) {
    auto end = read_procs(o.server_pids);
    if (end && at_window) {
      r.server_cpu_seconds = end->cpu_seconds - at_window->cpu_seconds;
      r.server_rss_kb = end->rss_kb;
    }
  }
  for (auto& w : workers) {
    net::post(w->ioc, [&w] { w->ioc.stop(); });
  }
  for (auto& t : threads) {
    t.join();
  }
  r.seconds = std::chrono::duration<double>(o.duration).count();
  if (o.urls.size() > 1) {
    for (const auto& u : o.urls) {
      r.latency_by_url.emplace_back(u, histogram{});
    }
  }
  for (auto& w : workers) {
    r.latency.merge(w->latency);
    for (size_t u = 0; u < r.latency_by_url.size(); ++u) {
      r.latency_by_url[u].second.merge(w->by_url[u]);
    }
    r.requests += w->delivered;
    r.lost += w->lost;
    r.connections_open += w->ready;
    for (auto& [k, v] : w->errors) {
      r.errors[k] += v;
    }
  }
  subs.clear();
  return r;
}

}  // namespace mcprt::bench
