// The WebSocket connection in the Beast do_x/on_x shape: accept, then a read loop feeding the
// peer and one writer draining the outbox, on the connection's I/O thread. Beast reads, answers
// pings and closes; the writer frames queued messages itself and sends a batch in one gathered
// write, carrying Beast's own frames (held at the write gate) between whole frames of its own.
#include "transport/websocket_session.hpp"

#include <unistd.h>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "runtime/io/outbox.hpp"
#include "runtime/io/prefetch.hpp"
#include "runtime/observe/log.hpp"
#include "transport/exact_allocator.hpp"
#include "transport/flat_send.hpp"
#include "transport/write_gate.hpp"
#include "transport/ws_frame.hpp"
#include "transport/ws_frame_reader.hpp"
#include "transport/ws_write_scratch.hpp"

namespace mcprt::transport {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;

namespace {

template <class Stream>
class websocket_session final : public std::enable_shared_from_this<websocket_session<Stream>>,
                                public wakeable,
                                public idle_watcher {
 public:
  websocket_session(Stream stream, std::shared_ptr<const connection_context> ctx,
                    websocket_binding binding, address_limiter::slot slot)
      : beast_(std::make_unique<beast_side>(std::move(stream))),
        binding_(std::move(binding)),
        ctx_(std::move(ctx)),
        deflate_(ctx_->options.ws_deflate),
        slot_(std::move(slot)) {
    ctx_->metrics->connection_opened();
  }
  ~websocket_session() {
    if (binding_.box) {
      binding_.box->detach(gen_);  // Its waker names wake_, which goes now.
    }
    ctx_->ws_keep_alive->forget(*this);
    if (ticket_ != 0) {
      ctx_->streams->forget(ticket_);
    }
    ctx_->metrics->connection_closed();
  }

  // `early`: bytes that came after the upgrade request, before the 101 (RFC 6455 §4.1 asks
  // a client to wait for it; one that does not still has its frames read, not lost).
  void run(http::request<http::string_body> upgrade, std::string early) {
    // Beast's websocket timeouts replace the TCP stream's own (its docs ask for this).
    beast::get_lowest_layer(beast_->ws).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(30);
    timeouts.idle_timeout = ctx_->limits->ws_idle_timeout();  // Pings at half of it.
    timeouts.keep_alive_pings = true;
    beast_->ws.set_option(timeouts);
    beast_->ws.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, "mcprt");
      res.set(http::field::sec_websocket_protocol, "mcp");
    }));
    if (ctx_->options.ws_deflate) {
      websocket::permessage_deflate pmd;
      pmd.server_enable = true;
      beast_->ws.set_option(pmd);
    }
    beast_->ws.read_message_max(ctx_->limits->max_payload_bytes());
    auto accepted = [self = this->shared_from_this()](beast::error_code ec) {
      self->on_accept(ec);
    };
    if (!early.empty() && !reads_own_frames()) {
      // Beast reads the connection from here on: it takes the request again as bytes, with
      // the frames after it left in its own read buffer (1,536 bytes: a request and frames
      // past it fail the handshake, and the connection closes).
      std::ostringstream request;
      request << upgrade;
      early.insert(0, request.str());
      beast_->ws.async_accept(net::buffer(early), std::move(accepted));  // Copied at once.
      return;
    }
    beast_->early = std::move(early);
    beast_->upgrade = std::make_unique<http::request<http::string_body>>(std::move(upgrade));
    beast_->ws.async_accept(*beast_->upgrade, std::move(accepted));
  }

  void resume() override {
    drained_ = false;  // Something was queued (or the outbox closed) since the last pull.
    maybe_write();
  }

  // What resume() reads first: this object up to deflate_, then the control frames of its own
  // and its outbox.
  void warm() const override { prefetch_through_for_write(this, &deflate_); }
  void warm_parts() const override {
    if (own_) {
      prefetch_for_write(own_.get(), sizeof(own_control));
    }
    if (binding_.box) {
      binding_.box->warm();
    }
  }

 private:
  // The connection ends when its credential expires: the outbox closes, the socket follows
  // once what is queued for control is written.
  void arm_lifetime() {
    if (binding_.lifetime.count() <= 0) {
      return;
    }
    lifetime_timer_ = std::make_unique<net::steady_timer>(executor());
    lifetime_timer_->expires_after(binding_.lifetime);
    lifetime_timer_->async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec && self->binding_.box) {
        self->binding_.box->close("the access token expired");
        self->maybe_write();
      }
    });
  }

  void on_accept(beast::error_code ec) {
    beast_->upgrade.reset();  // Beast is done with it: an open connection keeps no request.
    if (ec) {
      return finish();
    }
    if constexpr (std::is_same_v<Stream, plain_stream>) {
      beast::error_code ignored;  // write_at_once() must never block the I/O thread.
      beast::get_lowest_layer(beast_->ws).socket().non_blocking(true, ignored);
    }
    if (reads_own_frames()) {
      return own_the_connection();
    }
    // From here on this session's writer is the only one on the socket.
    beast_->ws.next_layer().engage([weak = this->weak_from_this()] {
      if (auto self = weak.lock()) {
        net::post(self->beast_->ws.get_executor(), [weak] {
          if (auto s = weak.lock()) {
            s->maybe_write();
          }
        });
      }
    });
    beast_->ws.control_callback(
        [weak = this->weak_from_this()](websocket::frame_type kind, beast::string_view payload) {
          auto self = weak.lock();
          if (self && kind == websocket::frame_type::pong && self->syncing_ &&
              payload == self->sync_payload()) {
            self->end_sync();
          }
        });
    start_serving();
  }

  // A plain connection without compression reads and frames its own (own_the_connection).
  bool reads_own_frames() const { return std::is_same_v<Stream, plain_stream> && !deflate_; }

  // Wakes from the notifier's threads reach this I/O thread in batches (wake_batch).
  void start_serving(std::string early = {}) {
    wake_ = ctx_->wakes->enroll(this->weak_from_this());
    gen_ = binding_.box->attach_writer(*ctx_->wakes, wake_batch::token(wake_.ticket()));
    arm_lifetime();
    hold_stream();
    if (!early.empty()) {
      heard_ = true;
      reader_->read(std::span<char>(early), [this](const ws_event& ev) { on_frame_event(ev); });
      if (finished_) {
        return;
      }
    }
    do_read();
  }

  // A plain connection without compression leaves Beast once the handshake is done: Beast's
  // stream, its read buffer and its pending read cost about 5 KiB an idle subscriber. The
  // connection then waits for its socket to be readable, reads into its thread's buffer, and
  // frames its own control frames (ws_frame_reader, ws_frame.hpp).
  void own_the_connection() {
    if constexpr (std::is_same_v<Stream, plain_stream>) {
      if (!take_socket()) {
        return finish();
      }
      auto early = std::move(beast_->early);
      beast_.reset();
      reader_.emplace(ctx_->limits->max_payload_bytes());
      arm_keep_alive();
      start_serving(std::move(early));
    }
  }

  // The socket moves to one bound to its I/O thread's io_context itself: a polymorphic
  // executor is 56 bytes, in the socket and again in each pending operation.
  bool take_socket() {
    auto& beast_socket = beast::get_lowest_layer(beast_->ws).socket();
    const auto* loop =
        beast_socket.get_executor().template target<net::io_context::executor_type>();
    beast::error_code ec;
    auto protocol = beast_socket.local_endpoint(ec).protocol();
    if (loop == nullptr || ec) {
      return false;
    }
    auto fd = beast_socket.release(ec);
    if (ec) {
      return false;
    }
    socket_.emplace(*loop);
    socket_->assign(protocol, fd, ec);
    if (ec) {
      ::close(fd);
      return false;
    }
    socket_->non_blocking(true, ec);  // write_at_once() must never block the I/O thread.
    return !ec;
  }

  // On the server's list of open streams until the connection is over, so a draining server
  // can close it with 1012 (service restart: reconnect) rather than cut it.
  void hold_stream() {
    ticket_ = ctx_->streams->add([weak = this->weak_from_this()](std::chrono::milliseconds) {
      if (auto self = weak.lock()) {
        net::post(self->executor(), [self] {
          self->restarting_ = true;
          self->maybe_write();  // Closes once what is queued is written.
        });
      }
    });
  }

  void do_read() {
    if (binding_.box->control_congested()) {
      reading_paused_ = true;  // Answers pile up unread: let TCP slow the client down.
      // No read holds the session now, and a wake holds it only weakly: keep it alive
      // until reads resume or the connection ends.
      paused_hold_ = this->shared_from_this();
      return;
    }
    if (socket_) {
      // At its own size, not in a recycled block (exact_allocator.hpp): it lasts while the
      // client is idle.
      socket_->async_wait(
          net::socket_base::wait_read,
          net::bind_allocator(
              exact_allocator<void>(),
              [self = this->shared_from_this()](beast::error_code ec) { self->on_readable(ec); }));
      return;
    }
    beast_->ws.async_read(beast_->buffer,
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                            self->on_read(ec);
                          });
  }

  // Own reading: what the socket holds now, through the frame reader, then wait again. A read
  // that does not fill the chunk emptied the socket, so no second read is tried only to fail:
  // the wait that follows re-arms the descriptor (Asio modifies its epoll registration for
  // every wait), which reports bytes that came in between.
  void on_readable(beast::error_code ec) {
    if (ec || finished_) {
      return finish();
    }
    thread_local std::vector<char> chunk(size_t{64} * 1024);
    for (;;) {
      auto n = socket_->read_some(net::buffer(chunk), ec);
      if (ec == net::error::would_block) {
        break;
      }
      if (ec) {
        return finish();  // The peer is gone (or closed after our close frame).
      }
      heard_ = true;
      if (tearing_down_) {
        continue;  // Our close frame is out: what comes now is only drained.
      }
      reader_->read(std::span<char>(chunk.data(), n),
                    [this](const ws_event& ev) { on_frame_event(ev); });
      if (finished_) {
        return;
      }
      if (n < chunk.size()) {
        break;
      }
    }
    do_read();
  }

  void on_frame_event(const ws_event& ev) {
    switch (ev.what) {
      case ws_event::kind::text:
        if (binding_.peer) {
          binding_.peer->on_message(std::string(ev.payload));
        }
        break;
      case ws_event::kind::ping:
        queue_control(control_frame(ws_opcode::pong, ev.payload));
        break;
      case ws_event::kind::pong:
        if (syncing_ && ev.payload == sync_payload()) {
          end_sync();
        }
        break;
      case ws_event::kind::close:
        peer_closed_ = true;  // Echo its code; the socket closes once ours is out.
        close_with(ev.code, std::string(ev.payload));
        break;
      case ws_event::kind::fail:
        ctx_->metrics->rejected(ev.code == static_cast<uint16_t>(ws_close_code::too_big)
                                    ? "payload_too_large"
                                    : "bad_request");
        peer_closed_ = true;  // Nothing more is read from it: close once the frame is out.
        close_with(ev.code, std::string(ev.payload));
        break;
    }
  }

  // A control frame of our own, written in the writer's next write (before any message).
  void queue_control(std::string frame) {
    own().queued.push_back(std::move(frame));
    net::post(executor(), [self = this->shared_from_this()] { self->maybe_write(); });
  }

  // Keep-alive on an owned connection, as Beast's: a ping once the client was silent for half
  // of transport.wsIdleTimeoutMs, the connection closed when it stays silent the other half.
  // Its I/O thread's list keeps the time: an idle subscriber holds no timer and no wait.
  void arm_keep_alive() {
    ctx_->ws_keep_alive->forget(*this);
    if (ctx_->limits->ws_idle_timeout().count() > 0 && !finished_) {
      ctx_->ws_keep_alive->watch(*this);
    }
  }

  // A keep-alive tick (the list has let go of this connection).
  void idle_expired() override {
    if (finished_) {
      return;
    }
    auto self = this->shared_from_this();  // finish() may drop the last other owner.
    if (tearing_down_) {
      return finish();  // The client had a tick to close after our close frame.
    }
    if (std::exchange(heard_, false)) {
      pinged_ = false;
    } else if (pinged_) {
      return finish();  // Silent through a ping: the connection is dead.
    } else {
      pinged_ = true;
      queue_control(control_frame(ws_opcode::ping, {}));
    }
    arm_keep_alive();
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      if (ec == websocket::error::message_too_big) {
        ctx_->metrics->rejected("payload_too_large");
      }
      return finish();  // Beast has sent the close frame (1009 for too big) where one is due.
    }
    if (!beast_->ws.got_text()) {
      ctx_->metrics->rejected("bad_request");
      return close(websocket::close_code::unknown_data,
                   "binary frames are not MCP messages: send JSON-RPC as text");
    }
    auto text = beast::buffers_to_string(beast_->buffer.data());
    beast_->buffer.consume(beast_->buffer.size());
    binding_.peer->on_message(text);
    do_read();
  }

  // The single writer. Each write carries what Beast queued at the gate (pongs, pings, a close
  // frame), then the messages of one pull, each framed here in front of the shared note bytes:
  // one gathered write per batch, no copy and no allocation per delivery. A write the socket
  // takes at once needs no asynchronous operation; a few rounds, then other connections' turn.
  void maybe_write() {
    if (writing_ || finished_) {
      return;
    }
    for (int round = 0; round < rounds_per_turn; ++round) {
      if (writing_ || finished_ || !gather()) {
        return;
      }
      writing_ = true;
      if (!write_at_once() || !wrote({})) {
        return;
      }
    }
    net::post(executor(), [self = this->shared_from_this()] { self->maybe_write(); });
  }

  // Fills w_->bufs with the next write. False when there is nothing to write now.
  bool gather() {
    if (!w_) {
      w_ = ws_write_scratch::take();
    }
    w_->bufs.clear();
    if (beast_) {
      auto& gate = beast_->ws.next_layer();
      gate.take_pending(beast_->gated);
      for (const auto& g : beast_->gated) {
        close_queued_ = close_queued_ || g.closes;
        w_->bufs.emplace_back(g.bytes.data(), g.bytes.size());
      }
    } else if (!close_queued_ && own_) {
      own_->in_flight.swap(own_->queued);
      own_->queued.clear();
      for (const auto& f : own_->in_flight) {
        close_queued_ = close_queued_ || is_close_frame(f);
        w_->bufs.emplace_back(f.data(), f.size());
      }
    }
    bool nothing_queued = false;
    if (!close_queued_ && !closing_ && !syncing_ && !beast_writing_) {
      nothing_queued = deflate_ ? !start_compressed_message() : !frame_queued_messages();
    }
    if (!w_->bufs.empty()) {
      return true;
    }
    if (w_->pieces.empty() && !beast_writing_) {
      ws_write_scratch::give_back(std::move(w_));  // Nothing in hand: hold no buffers idle.
    }
    if (nothing_queued) {
      resume_reading_if_due();
      end_when_told();
    } else if (std::exchange(sync_due_, false)) {
      start_sync();
    }
    return false;
  }

  // Writes w_->bufs on a plain socket without waiting (the socket is non-blocking); true when all
  // of it went out. Otherwise the rest goes out asynchronously and on_write follows.
  bool write_at_once() {
    if constexpr (std::is_same_v<Stream, plain_stream>) {
      return socket_ ? write_at_once_on(*socket_)
                     : write_at_once_on(beast::get_lowest_layer(beast_->ws).socket());
    } else {
      net::async_write(beast_->ws.next_layer().next_layer(), w_->bufs,
                       [self = this->shared_from_this()](beast::error_code e, std::size_t) {
                         self->on_write(e);
                       });
      return false;
    }
  }

  template <class Socket>
  bool write_at_once_on(Socket& socket) {
    beast::error_code ec;
    if (write_now(socket, w_->bufs, ec)) {
      return true;
    }
    if (ec != net::error::would_block) {
      on_write(ec);
      return false;
    }
    net::async_write(
        socket, w_->bufs,
        [self = this->shared_from_this()](beast::error_code e, std::size_t) { self->on_write(e); });
    return false;
  }

  enum class next_is { message, nothing, sync };

  // The next message of the current pull as w_->pieces[first, end), pulling the next batch once
  // this one is written.
  next_is take_message(std::pair<size_t, size_t>& m, uint64_t& length) {
    if (next_ >= w_->pieces.size()) {
      w_->pieces.clear();
      next_ = 0;
      if (drained_ || !binding_.box->pull(gen_, w_->pieces, &drained_)) {
        return next_is::nothing;
      }
    }
    // While reads are paused no pong could be seen: the client is behind on answers anyway.
    auto role = w_->pieces[next_].role;
    if (role == frame_role::answer && notes_unsynced_ && !reading_paused_) {
      sync_due_ = true;
      return next_is::sync;
    }
    notes_unsynced_ = notes_unsynced_ || role == frame_role::note;
    length = 0;
    auto end = next_;
    while (end < w_->pieces.size()) {
      length += w_->pieces[end].bytes.size();
      if (w_->pieces[end++].message_end) {
        break;
      }
    }
    m = {next_, end};
    next_ = end;
    return next_is::message;
  }

  // Frames the rest of the current pull into w_->bufs. False when nothing was queued.
  bool frame_queued_messages() {
    std::pair<size_t, size_t> m;
    uint64_t length = 0;
    auto got = take_message(m, length);
    if (got == next_is::nothing) {
      return false;
    }
    w_->headers.clear();
    w_->headers.reserve(w_->pieces.size());  // At most one per piece: w_->bufs points into it.
    while (got == next_is::message) {
      w_->headers.emplace_back();
      auto n = text_frame_header(length, w_->headers.back());
      w_->bufs.emplace_back(w_->headers.back().data(), n);
      for (auto i = m.first; i < m.second; ++i) {
        w_->bufs.emplace_back(w_->pieces[i].bytes.data(), w_->pieces[i].bytes.size());
      }
      if (next_ >= w_->pieces.size()) {
        break;  // One pull per write: the batch size bounds it.
      }
      got = take_message(m, length);
    }
    return true;
  }

  // With permessage-deflate Beast frames and compresses, one message at a time; its bytes come
  // back through the gate. False when nothing was queued.
  bool start_compressed_message() {
    std::pair<size_t, size_t> m;
    uint64_t length = 0;
    auto got = take_message(m, length);
    if (got != next_is::message) {
      return got == next_is::sync;
    }
    beast_->message_bufs.clear();
    for (auto i = m.first; i < m.second; ++i) {
      beast_->message_bufs.emplace_back(w_->pieces[i].bytes.data(), w_->pieces[i].bytes.size());
    }
    beast_writing_ = true;
    beast_->ws.text(true);
    beast_->ws.async_write(beast_->message_bufs,
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             self->beast_writing_ = false;
                             if (ec) {
                               return self->finish();
                             }
                             self->maybe_write();
                           });
    return true;
  }

  // The outbox is empty: end the connection if it was closed or the server drains.
  void end_when_told() {
    if (!drained_ && binding_.box->closed()) {  // Drained: a close since would have woken us.
      close(websocket::close_code::policy_error, binding_.box->close_reason());
    } else if (restarting_) {
      close(websocket::close_code::service_restart, "server shutting down: reconnect");
    }
  }

  void on_write(beast::error_code ec) {
    if (wrote(ec)) {
      maybe_write();
    }
  }

  // What follows a write, but the next one. False when the connection is over.
  bool wrote(beast::error_code ec) {
    writing_ = false;
    if (beast_) {
      beast_->ws.next_layer().complete(beast_->gated, ec);
    } else if (own_) {
      own_->in_flight.clear();
      if (own_->queued.empty()) {
        own_.reset();  // Keep-alive pings come every half minute: hold nothing between.
      }
    }
    if (ec) {
      finish();
      return false;
    }
    if (!beast_ && close_queued_ && !tearing_down_) {
      return tear_down();
    }
    resume_reading_if_due();
    if (std::exchange(sync_due_, false)) {
      start_sync();
    }
    return true;
  }

  // Reads paused while answers piled up resume once they have gone out, checked after each
  // write and when the writer goes idle.
  void resume_reading_if_due() {
    if (reading_paused_ && !finished_ && !binding_.box->control_congested()) {
      reading_paused_ = false;
      auto hold = std::move(paused_hold_);  // The read holds the session from here.
      do_read();
    }
  }

  // A request's notes went out and its answer is next. A client may dispatch notes later than
  // answers (the TypeScript SDK does, a microtask later), so a note read together with the
  // answer is lost to it. A ping now, and the answer after its pong, puts them in different
  // reads: the client answers the ping only after it has parsed the notes before it.
  std::string sync_payload() const { return "mcprt-sync-" + std::to_string(sync_count_); }

  void start_sync() {
    syncing_ = true;
    ++sync_count_;
    if (beast_) {
      beast_->ws.async_ping(websocket::ping_data(sync_payload()),
                            [self = this->shared_from_this()](beast::error_code ec) {
                              if (ec) {
                                self->end_sync();
                              }
                            });
    } else {
      queue_control(control_frame(ws_opcode::ping, sync_payload()));
    }
    // A client that does not answer pings gets the answer anyway, a little later.
    if (!sync_timer_) {
      sync_timer_ = std::make_unique<net::steady_timer>(executor());
    }
    sync_timer_->expires_after(longest_sync);
    sync_timer_->async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec) {
        self->end_sync();
      }
    });
  }

  void end_sync() {
    if (!syncing_) {
      return;
    }
    syncing_ = false;
    notes_unsynced_ = false;
    cancel(sync_timer_);
    // Not from inside the read that delivered the pong: continue on the I/O thread.
    net::post(executor(), [self = this->shared_from_this()] { self->maybe_write(); });
  }

  void close(websocket::close_code code, std::string reason) {
    close_with(static_cast<uint16_t>(code), std::move(reason));
  }

  void close_with(uint16_t code, std::string reason) {
    if (closing_) {
      return;
    }
    closing_ = true;
    if (reason.size() > 123) {
      reason.resize(123);  // The close frame's reason must fit in a control frame.
    }
    if (!beast_) {
      // Ours goes out after what is already in flight; then the socket closes (tear_down).
      own().queued.push_back(close_frame(code, reason));
      net::post(executor(), [self = this->shared_from_this()] { self->maybe_write(); });
      return;
    }
    beast_->ws.async_close(
        websocket::close_reason(static_cast<websocket::close_code>(code), reason),
        [self = this->shared_from_this()](beast::error_code) { self->finish(); });
  }

  // Our close frame is out. If the client closed first (or broke the protocol) the socket
  // closes now; otherwise our side of TCP shuts and what the client still sends is drained
  // until it closes too (closing at once with unread bytes would reset the connection and
  // could lose the close frame), bounded by the keep-alive timer.
  bool tear_down() {
    tearing_down_ = true;
    beast::error_code ignored;
    if (peer_closed_) {
      finish();
      return false;
    }
    socket_->shutdown(net::socket_base::shutdown_send, ignored);
    return false;
  }

  // The connection is over: the peer (and its session) ends; the outbox lets go of us.
  void finish() {
    if (finished_ && !beast_ && !socket_->is_open()) {
      return;
    }
    finished_ = true;
    auto hold = std::move(paused_hold_);  // Released when finish() returns.
    if (beast_) {
      // Beast's operations waiting at the gate end too (they hold this session).
      beast_->ws.next_layer().take_pending(beast_->gated);
      if (!writing_) {
        beast_->ws.next_layer().complete(beast_->gated, net::error::operation_aborted);
      }
    } else {
      beast::error_code ignored;
      socket_->shutdown(net::socket_base::shutdown_both, ignored);
      socket_->close(ignored);  // Ends the pending wait; the session goes when it returns.
      ctx_->ws_keep_alive->forget(*this);
    }
    if (ticket_ != 0) {
      ctx_->streams->forget(std::exchange(ticket_, 0));
    }
    cancel(sync_timer_);
    cancel(lifetime_timer_);
    if (binding_.box) {
      binding_.box->detach(gen_);
    }
    binding_.peer.reset();
  }

  net::any_io_executor executor() {
    return beast_ ? beast_->ws.get_executor() : socket_->get_executor();
  }

  // Beast's stream until the handshake is done; an owned connection (plain, uncompressed)
  // then has its socket and reader instead (own_the_connection).
  // What only Beast's side of a connection needs: every connection's until its handshake is
  // done, and for good on TLS and permessage-deflate connections.
  struct beast_side {
    explicit beast_side(Stream stream) : ws(std::move(stream)) {}
    websocket::stream<write_gate<Stream>> ws;
    beast::flat_buffer buffer;
    std::vector<gated_write> gated;               // Beast's frames in the write in flight.
    std::vector<net::const_buffer> message_bufs;  // A message Beast compresses.
    std::unique_ptr<http::request<http::string_body>> upgrade;  // Until the handshake is done.
    std::string early;  // Frames the client sent before the 101 (own reading reads them first).
  };
  // What a delivery's write reads and sets comes first, together: a subscriber woken once per
  // note touches few of its lines (perf puts the fan-out path's user time on first touches).
  // The writer (maybe_write).
  bool writing_ = false;
  bool finished_ = false;
  bool drained_ = false;        // That pull emptied the outbox: wait for a wake.
  bool beast_writing_ = false;  // Beast is writing a compressed message through the gate.
  bool close_queued_ = false;   // A close frame is out: nothing may follow it.
  bool closing_ = false;
  bool restarting_ = false;      // The server drains: close once the outbox is empty.
  bool reading_paused_ = false;  // Answers piled up: reads wait until they have gone out.
  // The note/answer ordering (start_sync).
  bool notes_unsynced_ = false;  // Request notes written since the client last answered a ping.
  bool syncing_ = false;         // A ping is out; answers wait for its pong.
  bool sync_due_ = false;        // An answer waits for a sync once the current write is out.
  // Keep-alive and the close.
  bool heard_ = false;         // The client sent something since the last keep-alive tick.
  bool pinged_ = false;        // A keep-alive ping is out, unanswered.
  bool peer_closed_ = false;   // Nothing more will be read: close the socket after our frame.
  bool tearing_down_ = false;  // Our close frame is out.
  size_t next_ = 0;            // Written up to here in w_->pieces.
  uint64_t gen_ = 0;           // The outbox attachment.
  std::unique_ptr<ws_write_scratch> w_;  // While there is something to write.
  std::unique_ptr<beast_side> beast_;
  // Control frames of our own (pongs, pings, the close) on an owned connection, while there
  // are any: the writer checks a pointer, and an idle subscriber holds no vectors.
  struct own_control {
    std::vector<std::string> queued;     // For the next write.
    std::vector<std::string> in_flight;  // In the write in flight.
  };
  std::unique_ptr<own_control> own_;
  own_control& own() {
    if (!own_) {
      own_ = std::make_unique<own_control>();
    }
    return *own_;
  }
  std::optional<net::basic_stream_socket<net::ip::tcp, net::io_context::executor_type>> socket_;
  websocket_binding binding_;
  std::shared_ptr<const connection_context> ctx_;
  wake_batch::enrollment wake_;  // After ctx_, which keeps its wake_batch.
  const bool deflate_;           // permessage-deflate offered: Beast frames data messages.
  std::optional<ws_frame_reader> reader_;
  address_limiter::slot slot_;
  std::shared_ptr<websocket_session> paused_hold_;  // Set while reads are paused.
  uint64_t ticket_ = 0;                             // On ctx_->streams until finish().
  static constexpr std::chrono::milliseconds longest_sync{1000};
  static constexpr int rounds_per_turn = 4;  // Writes in a row before other connections' turn.
  uint64_t sync_count_ = 0;                  // Names the current sync's ping (sync_payload).
  // Made on first use: a subscriber that only listens holds none of them.
  std::unique_ptr<net::steady_timer> sync_timer_;
  std::unique_ptr<net::steady_timer> lifetime_timer_;

  static void cancel(const std::unique_ptr<net::steady_timer>& timer) {
    if (timer) {
      timer->cancel();
    }
  }
};

}  // namespace

void start_websocket_session(plain_stream stream, http::request<http::string_body> upgrade,
                             std::string early, std::shared_ptr<const connection_context> ctx,
                             websocket_binding binding, address_limiter::slot slot) {
  std::make_shared<websocket_session<plain_stream>>(std::move(stream), std::move(ctx),
                                                    std::move(binding), std::move(slot))
      ->run(std::move(upgrade), std::move(early));
}

void start_websocket_session(tls_stream stream, http::request<http::string_body> upgrade,
                             std::string early, std::shared_ptr<const connection_context> ctx,
                             websocket_binding binding, address_limiter::slot slot) {
  std::make_shared<websocket_session<tls_stream>>(std::move(stream), std::move(ctx),
                                                  std::move(binding), std::move(slot))
      ->run(std::move(upgrade), std::move(early));
}

}  // namespace mcprt::transport
