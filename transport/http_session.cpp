// One HTTP/1.1 connection in the Beast do_x/on_x shape: read a request, hand it to the
// handler, write the answer it gives (a complete response or a chunked SSE stream), repeat.
// Answers arrive from actor threads through an exchange that posts onto its I/O thread; over
// plain TCP the thread that answers writes a complete response itself when it can.
// One template serves both plain TCP and TLS (transport.tls): only the handshake, the close
// and the socket under the stream differ.
#include "transport/http_session.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

#include "runtime/io/note_queue.hpp"
#include "runtime/io/outbox.hpp"
#include "runtime/io/prefetch.hpp"
#include "runtime/io/sse.hpp"
#include "runtime/observe/log.hpp"
#include "transport/answer_bytes.hpp"
#include "transport/flat_send.hpp"
#include "transport/request_head.hpp"
#include "transport/response_head.hpp"
#include "transport/tls_server.hpp"
#include "transport/websocket_session.hpp"

namespace mcprt::transport {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

template <class Stream>
class http_session;

template <class Stream>
constexpr bool is_tls = !std::is_same_v<Stream, plain_stream>;

// The bytes of `r` as sent; the connection stays open after it if `keep_alive` and the handler
// did not ask to close it.
std::unique_ptr<answer_bytes> answer_for(http_response& r, bool keep_alive) {
  bool keep = keep_alive && !asks_to_close(r);
  return std::make_unique<answer_bytes>(
      answer_bytes{response_head(r, keep), std::move(r.body), keep});
}

// A stream event on its way to the socket, and how it may give way to a slow reader.
struct stream_frame {
  std::string bytes;
  note_overflow overflow;
  std::string latest_key;  // Set by offer_frame for a keep_latest note.
};

// The answer side of one request; forwards to the session on its I/O thread. It keeps the
// connection alive while someone holds it: a request waiting in an actor's mailbox needs no
// pending I/O of its own.
template <class Stream>
class exchange final : public http_exchange, public std::enable_shared_from_this<exchange<Stream>> {
 public:
  exchange(std::shared_ptr<http_session<Stream>> session, net::any_io_executor ex, uint64_t seq,
           std::shared_ptr<const connection_context> ctx)
      : session_(std::move(session)), executor_(std::move(ex)), seq_(seq), ctx_(std::move(ctx)) {}

  void respond(http_response response) override;
  void start_stream(http_headers headers) override;
  void write_stream(std::string bytes, note_overflow overflow) override;
  void end_stream() override;
  void arm_deadline(std::chrono::milliseconds after, std::function<void()> on_expiry) override;
  void abort() override;
  void on_client_close(std::function<void()> on_close) override;
  void pump(std::shared_ptr<outbox> source, http_headers headers,
            std::chrono::milliseconds keep_alive) override;

 private:
  template <class F>
  void on_io_thread(F f);
  bool on_own_io_thread() const;

  std::deque<stream_frame> take_inbox();

  std::shared_ptr<http_session<Stream>> session_;
  net::any_io_executor executor_;
  uint64_t seq_;
  std::shared_ptr<const connection_context> ctx_;
  // Stream events written from any thread wait here, bounded, until the I/O thread takes them
  // all at once: a tool that reports faster than the I/O thread runs cannot grow its queue of
  // handlers.
  std::mutex inbox_mutex_;
  std::deque<stream_frame> inbox_;
  bool take_posted_ = false;
};

template <class Stream>
class http_session final : public std::enable_shared_from_this<http_session<Stream>>,
                           public wakeable,
                           public idle_watcher {
 public:
  http_session(Stream stream, std::shared_ptr<const connection_context> ctx,
               address_limiter::slot slot)
      : stream_(std::move(stream)), ctx_(std::move(ctx)), slot_(std::move(slot)) {
    ctx_->metrics->connection_opened();
  }
  ~http_session() {
    if (pump_) {
      pump_->detach(pump_gen_);  // Its waker names this session's enrollment, which goes now.
    }
    ctx_->idle->forget(*this);
    settle();
    release_stream();
    ctx_->metrics->connection_closed();
  }

  void run() {
    // Start on the connection's I/O thread.
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (is_tls<Stream>) {
        self->do_handshake();
      } else {
        self->do_read();
      }
    });
  }

  // Answer without reading a request (the address holds too many connections), then close.
  void run_refusal() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      self->drain_for_ = std::chrono::seconds(1);  // Short: a flood must not pile these up.
      if constexpr (is_tls<Stream>) {
        self->refusing_ = true;  // The refusal is written once TLS is up.
        self->do_handshake();
      } else {
        self->refuse(http_refusal::too_many_connections, {});
      }
    });
  }

  // --- Called on the I/O thread by the exchange of request `seq`. ---

  void respond(uint64_t seq, http_response r, bool counted = false) {
    if (seq != seq_ || answered_ || !claim_answer(seq)) {
      if (counted) {
        ctx_->unwritten->fetch_sub(1);
      }
      return;
    }
    owed_ += counted ? 1 : 0;
    answered_ = true;
    cancel_deadline();
    // One response in flight per connection; made per answer, so an idle connection keeps none.
    answer_ = answer_for(r, keep_alive_);
    if constexpr (is_tls<Stream>) {
      write_rest(0);
    } else {
      // Most answers fit in the socket's buffer: sent now, with no write operation to
      // allocate and complete (at 2,000 connections answered in one burst, those operations
      // were the largest part of the heap's peak).
      go_on_after(send_now(tcp().socket().native_handle(), *answer_));
    }
  }

  // --- An answer given on another thread (plain TCP only). ---

  // Called on the thread that answers request `seq` (a worker's reader, an actor): writes the
  // answer from there when the socket takes it, sparing the hop to the I/O thread (a wake-up,
  // tens of µs on a VM), whose bookkeeping follows. False when the answer must go through the
  // I/O thread: the request streams, was answered, or the connection is closing.
  bool answer_here(uint64_t seq, http_response& r) {
    std::unique_lock<std::mutex> g(direct_m_);
    if (direct_seq_ != seq) {
      return false;
    }
    direct_seq_ = 0;
    taken_seq_ = seq;
    auto a = answer_for(r, direct_keep_alive_);
    auto tried = send_now(direct_fd_, *a);
    g.unlock();
    net::post(stream_.get_executor(),
              [self = this->shared_from_this(), seq, a = std::move(a), tried]() mutable {
                self->after_answer_here(seq, std::move(a), tried);
              });
    return true;
  }

  // Whoever answers next on another thread must hand the answer to the I/O thread: the
  // request's stream begins (its frames are posted, the answer must follow them; frames and
  // the stream's end only ever follow its start), or it ends.
  void revoke_answer_here() {
    if constexpr (!is_tls<Stream>) {
      std::lock_guard<std::mutex> g(direct_m_);
      direct_seq_ = 0;
    }
  }

  // The counted answers this connection has written (or will never write) are off the books.
  void settle() {
    if (owed_ > 0) {
      ctx_->unwritten->fetch_sub(owed_);
      owed_ = 0;
    }
  }

  void start_stream(uint64_t seq, const http_headers& headers) {
    if (seq != seq_ || answered_ || streaming_ || !claim_answer(seq)) {
      return;
    }
    streaming_ = true;
    hold_stream();
    std::string head =
        "HTTP/1.1 200 OK\r\nServer: mcprt\r\nContent-Type: text/event-stream\r\n"
        "Cache-Control: no-cache, no-transform\r\nX-Accel-Buffering: no\r\n"
        "Transfer-Encoding: chunked\r\n";
    head += keep_alive_ ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    for (auto& [name, value] : headers) {
      head += name + ": " + value + "\r\n";
    }
    head += "\r\n";
    enqueue(std::move(head), false);
  }

  // Events of a request's stream. A client that reads slower than a tool reports keeps the
  // queue at its watermark: the latest progress replaces the queued one, log messages are
  // dropped, everything else is kept (note_queue.hpp).
  void write_stream(uint64_t seq, std::deque<stream_frame> frames) {
    if (seq != seq_ || answered_ || !streaming_) {
      return;
    }
    auto depth = watermark_depth(ctx_->limits->stream_queue(), ctx_->limits->queue_watermark());
    for (auto& f : frames) {
      auto outcome =
          offer_frame(queue(), queued{chunked(std::move(f.bytes)), {}}, f.overflow, depth);
      if (outcome != note_outcome::queued) {
        ctx_->metrics->request_note_outcome(lost_label(outcome));
      }
    }
    maybe_write();
  }

  void end_stream(uint64_t seq, bool counted = false) {
    if (seq != seq_ || answered_ || !streaming_) {
      if (counted) {
        ctx_->unwritten->fetch_sub(1);
      }
      return;
    }
    owed_ += counted ? 1 : 0;
    answered_ = true;
    cancel_deadline();
    enqueue("0\r\n\r\n", false);
    stream_done_ = true;
    maybe_write();
  }

  // Watch the idle socket while the answer is pending: readable with nothing to read means
  // the client closed. Bytes of a pipelined request are left for the next read.
  void watch_close(uint64_t seq, std::function<void()> on_close) {
    if (seq != seq_ || answered_) {
      return;
    }
    tcp().socket().async_wait(
        net::ip::tcp::socket::wait_read,
        [self = this->shared_from_this(), seq, f = std::move(on_close)](beast::error_code ec) {
          if (ec || seq != self->seq_ || self->answered_) {
            return;
          }
          char probe;
          beast::error_code peek_ec;
          auto n = self->tcp().socket().receive(net::buffer(&probe, 1),
                                                net::socket_base::message_peek, peek_ec);
          if (n == 0 || (peek_ec && peek_ec != net::error::would_block)) {
            f();
          }
        });
  }

  void abort(uint64_t seq) {
    if (seq != seq_ || answered_ || !claim_answer(seq)) {
      return;
    }
    answered_ = true;
    cancel_deadline();
    do_close();
  }

  void arm_deadline(uint64_t seq, std::chrono::milliseconds after, std::function<void()> fire) {
    if (seq != seq_ || answered_) {
      return;
    }
    if (!deadline_) {
      deadline_.emplace(stream_.get_executor());
    }
    deadline_->expires_after(after);
    deadline_->async_wait(
        [self = this->shared_from_this(), fire = std::move(fire)](beast::error_code ec) {
          if (!ec && !self->answered_) {
            fire();
          }
        });
  }

  // A long-lived SSE answer fed by an outbox (a GET stream).
  void pump(uint64_t seq, std::shared_ptr<outbox> source, const http_headers& headers,
            std::chrono::milliseconds keep_alive) {
    if (seq != seq_ || answered_ || streaming_) {
      return;
    }
    start_stream(seq, headers);
    pump_ = std::move(source);
    sse_keep_alive_ = keep_alive;
    pump_wake_ = ctx_->wakes->enroll(this->weak_from_this());
    if constexpr (!is_tls<Stream>) {
      beast::error_code ignored;  // send_pumped_now() must never block the I/O thread.
      tcp().socket().non_blocking(true, ignored);
    }
    pump_gen_ = pump_->attach_writer(*ctx_->wakes, wake_batch::token(pump_wake_.ticket()));
    watch_pump_close();
    arm_keep_alive();
  }

  void resume() override { maybe_write(); }

  // What a pumped stream's resume() reads first: the stream, the write state from seq_ through
  // chunk_head_, the flags after it; then the outbox and the reused vectors' storage.
  void warm() const override {
    prefetch_line_for_write(this);
    prefetch_through_for_write(&seq_, &chunk_head_);
    prefetch_through_for_write(&wrote_recently_, &early_retry_);
  }
  void warm_parts() const override {
    if (pump_) {
      pump_->warm();
    }
    prefetch_line_for_write(pieces_.data());
    prefetch_line_for_write(pump_bufs_.data());
  }

  // Idle past the timeout (idle_list): ending the wait ends the connection.
  void idle_expired() override {
    beast::error_code ignored;
    tcp().socket().cancel(ignored);
  }

 private:
  // On the I/O thread: a request whose answer only the I/O thread writes, unless another
  // thread took it already (then false).
  bool claim_answer(uint64_t seq) {
    if constexpr (is_tls<Stream>) {
      return true;
    }
    std::lock_guard<std::mutex> g(direct_m_);
    if (taken_seq_ == seq) {
      return false;
    }
    direct_seq_ = 0;
    return true;
  }

  // What answer_here left to the I/O thread: the books, and what the socket did not take.
  void after_answer_here(uint64_t seq, std::unique_ptr<answer_bytes> a, send_attempt tried) {
    ++owed_;
    if (seq != seq_ || answered_) {  // The connection closed meanwhile.
      return settle();
    }
    answered_ = true;
    cancel_deadline();
    answer_ = std::move(a);
    go_on_after(tried);
  }

  // After a send of answer_ without waiting: the connection goes on (or closes), or what the
  // socket did not take is written as it drains.
  void go_on_after(send_attempt tried) {
    if (!tried.failed && tried.sent < answer_->size()) {
      return write_rest(tried.sent);
    }
    settle();
    bool keep = answer_->keep_alive;
    answer_.reset();
    if (tried.failed) {
      return do_close();
    }
    on_write({}, !keep);
  }

  // Writes answer_ from byte `sent` on, waiting for the socket as it must.
  void write_rest(size_t sent) {
    net::async_write(stream_, answer_->unsent(sent),
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->settle();
                       bool keep = self->answer_->keep_alive;
                       self->answer_.reset();
                       self->on_write(ec, !keep);
                     });
  }

  // A stream is on the server's list of open streams from its head until its end is written
  // (or the connection closes), so a draining server can end it gently.
  void hold_stream() {
    stream_ticket_ =
        ctx_->streams->add([weak = this->weak_from_this()](std::chrono::milliseconds retry) {
          if (auto self = weak.lock()) {
            net::post(self->stream_.get_executor(), [self, retry] { self->end_early(retry); });
          }
        });
  }

  void release_stream() {
    if (stream_ticket_ != 0) {
      ctx_->streams->forget(std::exchange(stream_ticket_, 0));
    }
  }

  // The server is going away: what is queued goes out, then a reconnect hint and the stream's
  // end, then the connection closes. A pumped stream first writes what its outbox holds (an
  // answer may be in it); its end follows once a pull finds the outbox empty.
  void end_early(std::chrono::milliseconds retry) {
    if (!streaming_ || answered_ || early_retry_) {
      return;
    }
    early_retry_ = retry;
    keep_alive_ = false;
    if (!pump_) {
      enqueue(sse::reconnect_hint(retry, "server shutting down"), true);
      return end_stream(seq_);
    }
    stop_keep_alive();
    maybe_write();
  }

  // The TCP stream under TLS (or the stream itself): timeouts, readiness, shutdown.
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  // TLS first, under the header timeout: a client that connects and says nothing cannot
  // hold the socket. The verified client certificate names the caller of every request.
  void do_handshake() {
    tcp().expires_after(ctx_->limits->header_timeout());
    beast::async_detect_ssl(tcp(), buffer_,
                            [self = this->shared_from_this()](beast::error_code ec, bool tls) {
                              self->on_detected(ec, tls);
                            });
  }

  // A client that speaks plain HTTP to the TLS port learns why nothing works (as nginx tells
  // it), instead of seeing the connection drop.
  void on_detected(beast::error_code ec, bool tls) {
    if (ec) {
      return tcp().close();
    }
    if (!tls) {
      ctx_->metrics->rejected("tls_handshake");
      auto answer = std::make_shared<std::string>(
          "HTTP/1.1 400 Bad Request\r\nServer: mcprt\r\nContent-Type: text/plain\r\n"
          "Connection: close\r\nContent-Length: 42\r\n\r\nThis port speaks HTTPS: use https:// "
          "URLs\n");
      net::async_write(tcp(), net::buffer(*answer),
                       [self = this->shared_from_this(), answer](beast::error_code e, std::size_t) {
                         if (e) {
                           return self->tcp().close();
                         }
                         // Read what the client still sends, so closing does not reset
                         // the connection under the answer.
                         self->tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, e);
                         self->tcp().expires_after(std::chrono::seconds(1));
                         self->drain_tcp();
                       });
      return;
    }
    // The bytes the detector read are the start of the handshake.
    stream_.async_handshake(net::ssl::stream_base::server, buffer_.cdata(),
                            handshake_done{this->shared_from_this()});
  }

  // The buffered handshake completes with (error, bytes used); Beast 1.81 constrains its
  // handler as if it took the error alone, so the handler offers both.
  struct handshake_done {
    std::shared_ptr<http_session> self;
    void operator()(beast::error_code ec, std::size_t used) {
      self->buffer_.consume(used);
      self->on_handshake(ec);
    }
    void operator()(beast::error_code ec) { (*this)(ec, 0); }
  };

  void on_handshake(beast::error_code ec) {
    if (ec) {
      ctx_->metrics->rejected("tls_handshake");
      log::debug("tls handshake failed: " + ec.message());
      return tcp().close();
    }
    if constexpr (is_tls<Stream>) {
      client_subject_ = verified_client_subject(stream_.native_handle());
    }
    if (refusing_) {
      return refuse(http_refusal::too_many_connections, {});
    }
    do_read();
  }

  void drain_tcp() {
    drain_buffer_.resize(size_t{4} * 1024);
    tcp().async_read_some(net::buffer(drain_buffer_),
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) {
                              return self->tcp().close();
                            }
                            self->drain_tcp();
                          });
  }

  // Read the next request. A kept-alive connection may wait up to idle_timeout for its next
  // request's first byte; from that byte (from the accept on a new connection) the header
  // must arrive whole within header_timeout, so a client trickling it cannot hold the socket.
  void do_read() {
    if (requests_ > 0 && buffer_.size() == 0) {
      if constexpr (!is_tls<Stream>) {
        return wait_idle();
      }
      tcp().expires_after(ctx_->limits->idle_timeout());
      // As much as Beast's own reads would take: no bigger buffer for an idle connection.
      stream_.async_read_some(
          buffer_.prepare(beast::read_size(buffer_, 65536)),
          [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
            self->buffer_.commit(n);
            if (ec) {
              return self->do_close();
            }
            self->do_read_header();
          });
      return;
    }
    do_read_header();
  }

  // A plain connection between requests waits for the next one's first byte holding no read
  // buffer and no timer: its I/O thread's idle_list keeps the time (an idle connection costs
  // its socket and this object). Not over TLS: a pipelined request may already sit in the TLS
  // engine, unseen by the socket.
  void wait_idle() {
    buffer_.shrink_to_fit();
    ctx_->idle->watch(*this);
    tcp().socket().async_wait(net::socket_base::wait_read,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                self->ctx_->idle->forget(*self);
                                if (ec) {
                                  return self->do_close();
                                }
                                self->do_read_header();
                              });
  }

  void do_read_header() {
    // Made when a request begins: a connection waiting for its next one holds no parser.
    parser_ = std::make_unique<http::request_parser<http::string_body>>();
    parser_->header_limit(static_cast<std::uint32_t>(ctx_->limits->max_header_bytes()));
    parser_->body_limit(ctx_->limits->max_payload_bytes());
    tcp().expires_after(ctx_->limits->header_timeout());
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_read_header(ec);
                            });
  }

  void on_read_header(beast::error_code ec) {
    if (ec == beast::error::timeout) {
      ctx_->metrics->rejected("header_timeout");
      return do_close();  // The stream closed the socket: nothing can be answered.
    }
    if (ec) {
      if (auto why = refusal_for(ec)) {
        return refuse(*why, detail_of(*why, ec));
      }
      return do_close();  // The client went away.
    }
    // The body may take as long as the connection may idle (limits.maxPayloadKb bounds it).
    tcp().expires_after(ctx_->limits->idle_timeout());
    const auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    // Beast takes repeated equal Content-Length fields as one (RFC 9110 lets it); a request
    // that repeats the field is refused instead, as request smugglers send it.
    if (req.count(http::field::content_length) > 1) {
      return refuse(http_refusal::malformed, "Content-Length appears more than once");
    }
    // Refuse an oversized body before reading it.
    if (auto length = parser_->content_length();
        length && *length > ctx_->limits->max_payload_bytes()) {
      return refuse(http_refusal::payload_too_large, {});
    }
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<std::string>("HTTP/1.1 100 Continue\r\n\r\n");
      net::async_write(stream_, net::buffer(*cont),
                       [self = this->shared_from_this(), cont](beast::error_code ec, std::size_t) {
                         if (ec) {
                           return self->do_close();
                         }
                         self->do_read_body();
                       });
      return;
    }
    do_read_body();
  }

  // What to answer for a read error: a request that is not HTTP/1.1 as RFC 9112 frames it
  // gets its status; a connection the client closed or reset gets nothing.
  std::optional<http_refusal> refusal_for(const beast::error_code& ec) const {
    if (ec.category() != http::make_error_code(http::error::bad_method).category()) {
      return std::nullopt;
    }
    switch (static_cast<http::error>(ec.value())) {
      case http::error::end_of_stream:
      case http::error::partial_message:
      case http::error::need_more:
      case http::error::need_buffer:
        return std::nullopt;
      case http::error::body_limit:
        // Beast checks Content-Length against the limit while parsing the header.
        return http_refusal::payload_too_large;
      case http::error::header_limit:
        return request_line_complete() ? http_refusal::header_too_large
                                       : http_refusal::uri_too_long;
      default:
        return http_refusal::malformed;
    }
  }

  // What the client should learn besides the status.
  std::string detail_of(http_refusal why, const beast::error_code& ec) const {
    if (why == http_refusal::header_too_large || why == http_refusal::uri_too_long) {
      return "the request line and header fields may hold " +
             std::to_string(ctx_->limits->max_header_bytes() / 1024) + " KiB (limits.maxHeaderKb)";
    }
    return why == http_refusal::payload_too_large ? std::string() : ec.message();
  }

  // True once the parser has read the request line (it then knows the target).
  bool request_line_complete() const { return parser_ && !parser_->get().target().empty(); }

  void do_read_body() {
    // Beast reads as much as the buffer has room for, 512 bytes at least: a 1 MB body took
    // about 2,000 reads. A large one is read 64 KiB at a time (wait_idle gives the room back).
    constexpr uint64_t large_body_read = uint64_t{64} * 1024;
    if (auto length = parser_->content_length(); length && *length > large_body_read) {
      buffer_.reserve(buffer_.size() + large_body_read);
    }
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      if (auto why = refusal_for(ec)) {
        return refuse(*why, detail_of(*why, ec));
      }
      return do_close();
    }
    // Hand the request over; the answer comes back through the exchange.
    tcp().expires_never();
    ++requests_;
    auto msg = parser_->release();
    parser_.reset();
    auto req = request_head(msg);
    if (beast::websocket::is_upgrade(msg)) {
      req.client_subject = client_subject_;
      return upgrade(std::move(msg), std::move(req));
    }
    req.body = std::move(msg.body());
    req.client_subject = client_subject_;
    ++seq_;
    answered_ = false;
    streaming_ = false;
    stream_done_ = false;
    if constexpr (!is_tls<Stream>) {
      std::lock_guard<std::mutex> g(direct_m_);
      direct_seq_ = seq_;
      direct_fd_ = tcp().socket().native_handle();
      direct_keep_alive_ = keep_alive_;
    }
    auto ex = std::make_shared<exchange<Stream>>(this->shared_from_this(), stream_.get_executor(),
                                                 seq_, ctx_);
    ctx_->handler->handle(std::move(req), ex);
  }

  // GET with Upgrade: websocket. The handler refuses (an HTTP answer, then close) or binds
  // the connection, and the socket moves to a WebSocket session. Nothing is read meanwhile.
  void upgrade(http::request<http::string_body> msg, http_request&& req) {
    auto held = std::make_shared<http::request<http::string_body>>(std::move(msg));
    auto subprotocols = std::string((*held)[http::field::sec_websocket_protocol]);
    ctx_->handler->upgrade(
        std::move(req), subprotocols,
        [self = this->shared_from_this(), held](http_handler::upgrade_decision decided) {
          net::post(self->stream_.get_executor(),
                    [self, held, decided = std::move(decided)]() mutable {
                      self->on_upgrade_decided(std::move(*held), std::move(decided));
                    });
        });
  }

  void on_upgrade_decided(http::request<http::string_body> msg,
                          http_handler::upgrade_decision decided) {
    if (auto* refusal = std::get_if<http_response>(&decided)) {
      keep_alive_ = false;
      ++seq_;
      answered_ = false;
      return respond(seq_, std::move(*refusal));
    }
    start_websocket_session(std::move(stream_), std::move(msg),
                            beast::buffers_to_string(buffer_.data()), ctx_,
                            std::move(std::get<websocket_binding>(decided)), std::move(slot_));
  }

  // Answers a request the transport cannot serve, then closes the connection: what follows
  // on it (an unread body, the rest of a bad header) cannot be told apart from a next request.
  void refuse(http_refusal why, std::string_view detail) {
    keep_alive_ = false;
    draining_ = true;  // Close gently so the client reads the answer (no RST).
    ++seq_;
    answered_ = false;
    respond(seq_, ctx_->handler->refusal(why, detail));
  }

  // After a refusal: stop sending, then read and discard what the client still sends, for a
  // bounded time and amount, so closing does not reset the connection under the response.
  void do_drain(std::size_t discarded = 0) {
    if (discarded > 64 * ctx_->limits->max_payload_bytes()) {
      return tcp().close();
    }
    drain_buffer_.resize(size_t{64} * 1024);
    stream_.async_read_some(
        net::buffer(drain_buffer_),
        [self = this->shared_from_this(), discarded](beast::error_code ec, std::size_t n) {
          if (ec) {
            return self->tcp().close();
          }
          self->do_drain(discarded + n);
        });
  }

  // Queues stream bytes; `chunk` wraps them in chunked-transfer framing.
  void enqueue(std::string bytes, bool chunk) {
    queue().push_back(queued{chunk ? chunked(std::move(bytes)) : std::move(bytes), {}});
    maybe_write();
  }

  // `bytes` as one chunk of a chunked transfer.
  static std::string chunked(std::string bytes) {
    char size[20];
    int n = std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
    bytes.insert(0, size, static_cast<size_t>(n));
    bytes += "\r\n";
    return bytes;
  }

  // Gathers up to batch_size queued pieces into one write; with nothing queued, a pumped
  // stream's next batch.
  void maybe_write() {
    if (writing_) {
      return;
    }
    if (queue_empty()) {
      if (pump_) {
        write_pumped();
      }
      return;
    }
    writing_ = true;
    auto& q = queue();
    size_t n = std::min(q.size(), std::max<size_t>(1, ctx_->limits->batch_size()));
    batch_.clear();
    for (size_t i = 0; i < n; ++i) {
      batch_.push_back(std::move(q.front().bytes));
      q.pop_front();
    }
    std::vector<net::const_buffer> bufs;
    bufs.reserve(batch_.size());
    for (auto& b : batch_) {
      bufs.emplace_back(net::buffer(b));
    }
    net::async_write(stream_, bufs,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_stream_write(ec);
                     });
  }

  void on_stream_write(beast::error_code ec) {
    writing_ = false;
    batch_.clear();
    if (ec) {
      settle();
      return do_close();
    }
    if (!queue_empty() || pump_) {
      return maybe_write();
    }
    if (stream_done_) {
      stream_done_ = false;
      settle();
      release_stream();
      on_write({}, !keep_alive_);
    }
  }

  // One batch of the pumped outbox as one chunk: chunk size, the pieces (pointing into
  // shared notes), CRLF, in one write. A chunk the socket takes at once needs no asynchronous
  // operation; a few rounds, then the other connections' turn.
  void write_pumped() {
    for (int round = 0; round < pump_rounds_per_turn; ++round) {
      if (!gather_pumped()) {
        return;
      }
      writing_ = true;
      wrote_recently_ = true;
      if (!send_pumped_now()) {
        return;
      }
      writing_ = false;
      pieces_.clear();
      if (!queue_empty()) {
        return maybe_write();  // A frame queued meanwhile (a keep-alive, the stream's end).
      }
    }
    net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->maybe_write(); });
  }

  // Fills pump_bufs_ with the next chunk. False when the outbox had nothing (the stream then
  // waits for a wake, or ends).
  bool gather_pumped() {
    pieces_.clear();
    if (!pump_->pull(pump_gen_, pieces_)) {
      if (!pump_->is_current(pump_gen_) || pump_->closed() || early_retry_) {
        end_pump();
      }
      return false;
    }
    size_t total = 0;
    for (const auto& p : pieces_) {
      total += p.bytes.size();
    }
    char size[20];
    int n = std::snprintf(size, sizeof size, "%zx\r\n", total);
    chunk_head_.assign(size, static_cast<size_t>(n));
    pump_bufs_.clear();
    pump_bufs_.reserve(pieces_.size() + 2);
    pump_bufs_.emplace_back(net::buffer(chunk_head_));
    for (const auto& p : pieces_) {
      pump_bufs_.emplace_back(p.bytes.data(), p.bytes.size());
    }
    pump_bufs_.emplace_back(net::buffer("\r\n", 2));
    return true;
  }

  // Writes pump_bufs_; true when a plain socket took all of it at once (it is non-blocking).
  // Otherwise the rest goes out asynchronously, or the connection failed, and
  // on_stream_write follows.
  bool send_pumped_now() {
    if constexpr (!is_tls<Stream>) {
      beast::error_code ec;
      if (write_now(tcp().socket(), pump_bufs_, ec)) {
        return true;
      }
      if (ec != net::error::would_block) {
        pieces_.clear();
        on_stream_write(ec);
        return false;
      }
    }
    net::async_write(stream_, pump_bufs_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->pieces_.clear();
                       self->on_stream_write(ec);
                     });
    return false;
  }

  // The outbox closed (its reason goes out as an SSE comment), another connection took it, or
  // the server ends the stream early (a reconnect hint).
  void end_pump() {
    std::string last;
    if (pump_->closed()) {
      // No reason: the stream simply ends (a relayed stream whose owner said why itself).
      auto reason = pump_->close_reason();
      last = reason.empty() ? std::string() : sse::comment("stream closed: " + reason);
    } else if (!pump_->is_current(pump_gen_)) {
      last = sse::comment("stream closed: resumed on another connection");
    } else {
      last = sse::reconnect_hint(*early_retry_, "server shutting down");
    }
    pump_->detach(pump_gen_);
    pump_.reset();
    stop_keep_alive();
    if (!last.empty()) {
      enqueue(std::move(last), true);
    }
    end_stream(seq_);
  }

  // A GET stream's client sends nothing more: readable means it closed the connection.
  void watch_pump_close() {
    tcp().socket().async_wait(net::ip::tcp::socket::wait_read,
                              [self = this->shared_from_this(), seq = seq_](beast::error_code ec) {
                                if (ec || seq != self->seq_ || !self->pump_) {
                                  return;
                                }
                                self->do_close();
                              });
  }

  void stop_keep_alive() {
    if (keep_alive_timer_) {
      keep_alive_timer_->cancel();
    }
  }

  void arm_keep_alive() {
    if (sse_keep_alive_.count() <= 0) {
      return;
    }
    if (!keep_alive_timer_) {
      keep_alive_timer_.emplace(stream_.get_executor());
    }
    keep_alive_timer_->expires_after(sse_keep_alive_);
    keep_alive_timer_->async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || !self->pump_) {
        return;
      }
      if (!self->wrote_recently_ && !self->writing_) {
        self->enqueue(sse::comment("keep-alive"), true);
      }
      self->wrote_recently_ = false;
      self->arm_keep_alive();
    });
  }

  void on_write(beast::error_code ec, bool close) {
    if (ec || close) {
      return do_close();
    }
    do_read();
  }

  // TLS says goodbye (close_notify) before the socket closes, waiting a little for the
  // client's, so a client can tell a complete answer from a cut connection.
  void close_tls() {
    tcp().expires_after(std::chrono::seconds(1));
    stream_.async_shutdown(
        [self = this->shared_from_this()](beast::error_code) { self->tcp().close(); });
  }

  void do_close() {
    beast::error_code ec;
    revoke_answer_here();  // Before the socket closes: no other thread writes to it after.
    release_stream();
    cancel_deadline();
    stop_keep_alive();
    if (pump_) {
      // What is still queued stays in the outbox for the client's next connection.
      pump_->detach(pump_gen_);
      pump_.reset();
    }
    if constexpr (is_tls<Stream>) {
      if (!draining_ && !writing_) {
        return close_tls();
      }
    }
    tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
    if (draining_ && !ec) {
      tcp().expires_after(drain_for_);
      return do_drain();
    }
    tcp().close();
  }

  Stream stream_;
  std::shared_ptr<const connection_context> ctx_;
  int64_t owed_ = 0;  // Counted answers taken on and not yet written (connection_context).
  std::string client_subject_;  // The verified TLS client certificate's subject, or empty.
  bool refusing_ = false;       // TLS: refuse once the handshake is done.
  address_limiter::slot slot_;
  beast::flat_buffer buffer_;
  uint64_t requests_ = 0;  // Requests read on this connection.
  std::chrono::milliseconds drain_for_{5000};
  std::unique_ptr<http::request_parser<http::string_body>> parser_;
  std::unique_ptr<answer_bytes> answer_;  // The complete response being written.
  // Plain TCP: the request whose answer the thread that gives it may write (answer_here), and
  // what it needs for that; 0 once the I/O thread claimed it, or the connection closes.
  std::mutex direct_m_;
  uint64_t direct_seq_ = 0;        // Under direct_m_.
  uint64_t taken_seq_ = 0;         // Under direct_m_: the last request another thread answered.
  int direct_fd_ = -1;             // Under direct_m_.
  bool direct_keep_alive_ = true;  // Under direct_m_.
  // A request's deadline, made when one is armed (most requests have none).
  std::optional<net::steady_timer> deadline_;
  void cancel_deadline() {
    if (deadline_) {
      deadline_->cancel();
    }
  }
  uint64_t seq_ = 0;
  bool keep_alive_ = true;
  bool answered_ = false;
  bool streaming_ = false;
  bool stream_done_ = false;
  bool writing_ = false;
  bool draining_ = false;
  std::vector<char> drain_buffer_;
  // Stream bytes not yet handed to the socket; a progress note carries its key.
  struct queued {
    std::string bytes;
    std::string latest_key;
  };
  // Made on first use: an empty std::deque already holds 576 bytes, and most connections
  // never stream.
  std::optional<std::deque<queued>> queue_;
  std::deque<queued>& queue() { return queue_ ? *queue_ : queue_.emplace(); }
  bool queue_empty() const { return !queue_ || queue_->empty(); }
  std::vector<std::string> batch_;
  // A pumped GET stream.
  std::shared_ptr<outbox> pump_;
  uint64_t pump_gen_ = 0;
  static constexpr int pump_rounds_per_turn = 4;  // Chunks in a row before others' turn.
  wake_batch::enrollment pump_wake_;              // After ctx_, which keeps its wake_batch.
  std::vector<out_piece> pieces_;
  std::vector<net::const_buffer> pump_bufs_;
  std::string chunk_head_;
  // Made when a GET stream needs them: most connections never stream.
  std::optional<net::steady_timer> keep_alive_timer_;
  std::chrono::milliseconds sse_keep_alive_{0};
  bool wrote_recently_ = false;
  uint64_t stream_ticket_ = 0;  // On ctx_->streams while a stream is open; 0 otherwise.
  std::optional<std::chrono::milliseconds> early_retry_;  // Set: the server ends the stream.
};

template <class Stream>
template <class F>
void exchange<Stream>::on_io_thread(F f) {
  if (on_own_io_thread()) {  // What dispatch would do, without wrapping f for the executor.
    f(*session_);
    return;
  }
  net::post(executor_, [s = session_, f = std::move(f)]() mutable { f(*s); });
}

template <class Stream>
bool exchange<Stream>::on_own_io_thread() const {
  const auto* io = executor_.target<net::io_context::executor_type>();
  return io != nullptr && io->running_in_this_thread();
}

template <class Stream>
void exchange<Stream>::respond(http_response response) {
  ctx_->unwritten->fetch_add(1);  // Before the caller's admission slot is released.
  if (on_own_io_thread()) {
    session_->respond(seq_, std::move(response), true);
    return;
  }
  if constexpr (!is_tls<Stream>) {
    if (session_->answer_here(seq_, response)) {
      return;
    }
  }
  net::post(executor_, [s = session_, seq = seq_, r = std::move(response)]() mutable {
    s->respond(seq, std::move(r), true);
  });
}

template <class Stream>
void exchange<Stream>::start_stream(http_headers headers) {
  session_->revoke_answer_here();
  on_io_thread(
      [seq = seq_, h = std::move(headers)](http_session<Stream>& s) { s.start_stream(seq, h); });
}

template <class Stream>
void exchange<Stream>::write_stream(std::string bytes, note_overflow overflow) {
  auto outcome = note_outcome::queued;
  bool post = false;
  {
    std::lock_guard<std::mutex> g(inbox_mutex_);
    auto depth = watermark_depth(ctx_->limits->stream_queue(), ctx_->limits->queue_watermark());
    outcome = offer_frame(inbox_, stream_frame{std::move(bytes), overflow, {}}, overflow, depth);
    post = !std::exchange(take_posted_, true);
  }
  if (outcome != note_outcome::queued) {
    ctx_->metrics->request_note_outcome(lost_label(outcome));
  }
  if (post) {
    on_io_thread([self = this->shared_from_this()](http_session<Stream>& s) {
      s.write_stream(self->seq_, self->take_inbox());
    });
  }
}

template <class Stream>
std::deque<stream_frame> exchange<Stream>::take_inbox() {
  std::lock_guard<std::mutex> g(inbox_mutex_);
  take_posted_ = false;
  return std::exchange(inbox_, {});
}

template <class Stream>
void exchange<Stream>::end_stream() {
  ctx_->unwritten->fetch_add(1);
  on_io_thread([seq = seq_](http_session<Stream>& s) { s.end_stream(seq, true); });
}

template <class Stream>
void exchange<Stream>::on_client_close(std::function<void()> on_close) {
  on_io_thread([seq = seq_, f = std::move(on_close)](http_session<Stream>& s) mutable {
    s.watch_close(seq, std::move(f));
  });
}

template <class Stream>
void exchange<Stream>::pump(std::shared_ptr<outbox> source, http_headers headers,
                            std::chrono::milliseconds keep_alive) {
  session_->revoke_answer_here();
  on_io_thread([seq = seq_, src = std::move(source), h = std::move(headers),
                keep_alive](http_session<Stream>& s) mutable {
    s.pump(seq, std::move(src), h, keep_alive);
  });
}

template <class Stream>
void exchange<Stream>::abort() {
  session_->revoke_answer_here();
  on_io_thread([seq = seq_](http_session<Stream>& s) { s.abort(seq); });
}

template <class Stream>
void exchange<Stream>::arm_deadline(std::chrono::milliseconds after,
                                    std::function<void()> on_expiry) {
  on_io_thread([seq = seq_, after, f = std::move(on_expiry)](http_session<Stream>& s) mutable {
    s.arm_deadline(seq, after, std::move(f));
  });
}

}  // namespace

void start_http_session(net::ip::tcp::socket socket, std::shared_ptr<const connection_context> ctx,
                        address_limiter::slot slot) {
  if (ctx->tls) {
    auto tls = ctx->tls->get();
    tls_stream stream(plain_stream(std::move(socket)), *tls);
    std::make_shared<http_session<tls_stream>>(std::move(stream), std::move(ctx), std::move(slot))
        ->run();
  } else {
    std::make_shared<http_session<plain_stream>>(plain_stream(std::move(socket)), std::move(ctx),
                                                 std::move(slot))
        ->run();
  }
}

void refuse_http_connection(net::ip::tcp::socket socket,
                            std::shared_ptr<const connection_context> ctx) {
  if (ctx->tls) {
    auto tls = ctx->tls->get();
    tls_stream stream(plain_stream(std::move(socket)), *tls);
    std::make_shared<http_session<tls_stream>>(std::move(stream), std::move(ctx), nullptr)
        ->run_refusal();
  } else {
    std::make_shared<http_session<plain_stream>>(plain_stream(std::move(socket)), std::move(ctx),
                                                 nullptr)
        ->run_refusal();
  }
}

}  // namespace mcprt::transport
