// The WebSocket connection in the Beast do_x/on_x shape: accept, then a read loop feeding the
// peer and a write loop draining the outbox, one message per frame, on one strand.
#include "transport/websocket_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <utility>
#include <vector>

#include "runtime/io/outbox.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::transport {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;

namespace {

template <class Stream>
class websocket_session : public std::enable_shared_from_this<websocket_session<Stream>> {
 public:
  websocket_session(Stream stream, std::shared_ptr<const connection_context> ctx,
                    websocket_binding binding, address_limiter::slot slot)
      : ws_(std::move(stream)),
        ctx_(std::move(ctx)),
        binding_(std::move(binding)),
        slot_(std::move(slot)),
        sync_timer_(ws_.get_executor()),
        lifetime_timer_(ws_.get_executor()) {
    ctx_->metrics->connection_opened();
  }
  ~websocket_session() {
    if (ticket_ != 0) {
      ctx_->streams->forget(ticket_);
    }
    ctx_->metrics->connection_closed();
  }

  void run(http::request<http::string_body> upgrade) {
    // Beast's websocket timeouts replace the TCP stream's own (its docs ask for this).
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(30);
    timeouts.idle_timeout = ctx_->limits->ws_idle_timeout();  // Pings at half of it.
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, "mcprt");
      res.set(http::field::sec_websocket_protocol, "mcp");
    }));
    if (ctx_->options.ws_deflate) {
      websocket::permessage_deflate pmd;
      pmd.server_enable = true;
      ws_.set_option(pmd);
    }
    ws_.read_message_max(ctx_->limits->max_payload_bytes());
    upgrade_ = std::move(upgrade);
    ws_.async_accept(
        upgrade_, [self = this->shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

 private:
  // The connection ends when its credential expires: the outbox closes, the socket follows
  // once what is queued for control is written.
  void arm_lifetime() {
    if (binding_.lifetime.count() <= 0) {
      return;
    }
    lifetime_timer_.expires_after(binding_.lifetime);
    lifetime_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec && self->binding_.box) {
        self->binding_.box->close("the access token expired");
        self->maybe_write();
      }
    });
  }

  void on_accept(beast::error_code ec) {
    if (ec) {
      return finish();
    }
    ws_.control_callback(
        [weak = this->weak_from_this()](websocket::frame_type kind, beast::string_view payload) {
          auto self = weak.lock();
          if (self && kind == websocket::frame_type::pong && self->syncing_ &&
              payload == self->sync_payload_) {
            self->end_sync();
          }
        });
    // No executor in the waker: the outbox may outlive the io_context (see http_session).
    gen_ = binding_.box->attach([weak = this->weak_from_this()] {
      if (auto self = weak.lock()) {
        net::post(self->ws_.get_executor(), [weak] {
          if (auto s = weak.lock()) {
            s->maybe_write();
          }
        });
      }
    });
    arm_lifetime();
    hold_stream();
    do_read();
  }

  // On the server's list of open streams until the connection is over, so a draining server
  // can close it with 1012 (service restart: reconnect) rather than cut it.
  void hold_stream() {
    ticket_ = ctx_->streams->add([weak = this->weak_from_this()](std::chrono::milliseconds) {
      if (auto self = weak.lock()) {
        net::post(self->ws_.get_executor(), [self] {
          self->restarting_ = true;
          self->maybe_write();  // Closes once what is queued is written.
        });
      }
    });
  }

  void do_read() {
    if (binding_.box->control_congested()) {
      reading_paused_ = true;  // Answers pile up unread: let TCP slow the client down.
      return;
    }
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      if (ec == websocket::error::message_too_big) {
        ctx_->metrics->rejected("payload_too_large");
      }
      return finish();  // Beast has sent the close frame (1009 for too big) where one is due.
    }
    if (!ws_.got_text()) {
      ctx_->metrics->rejected("bad_request");
      return close(websocket::close_code::bad_payload,
                   "binary frames are not MCP messages: send JSON-RPC as text");
    }
    auto text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    binding_.peer->on_message(text);
    do_read();
  }

  // Writes the next queued message; pieces of one pull are written message by message.
  void maybe_write() {
    if (writing_ || closing_ || syncing_) {
      return;
    }
    if (next_ >= pieces_.size()) {
      pieces_.clear();
      next_ = 0;
      if (!binding_.box->pull(gen_, pieces_)) {
        if (binding_.box->closed()) {
          close(websocket::close_code::policy_error, binding_.box->close_reason());
        } else if (restarting_) {
          close(websocket::close_code::service_restart, "server shutting down: reconnect");
        }
        return;
      }
    }
    // While reads are paused no pong could be seen: the client is behind on answers anyway.
    auto role = pieces_[next_].role;
    if (role == frame_role::answer && notes_unsynced_ && !reading_paused_) {
      return start_sync();
    }
    notes_unsynced_ = notes_unsynced_ || role == frame_role::note;
    bufs_.clear();
    while (next_ < pieces_.size()) {
      const auto& p = pieces_[next_++];
      bufs_.emplace_back(p.bytes.data(), p.bytes.size());
      if (p.message_end) {
        break;
      }
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(bufs_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_write(ec);
    });
  }

  void on_write(beast::error_code ec) {
    writing_ = false;
    if (ec) {
      return finish();
    }
    if (reading_paused_ && !binding_.box->control_congested()) {
      reading_paused_ = false;
      do_read();
    }
    maybe_write();
  }

  // A request's notes went out and its answer is next. A client may dispatch notes later than
  // answers (the TypeScript SDK does, a microtask later), so a note read together with the
  // answer is lost to it. A ping now, and the answer after its pong, puts them in different
  // reads: the client answers the ping only after it has parsed the notes before it.
  void start_sync() {
    syncing_ = true;
    sync_payload_ = "mcprt-sync-" + std::to_string(++sync_count_);
    ws_.async_ping(websocket::ping_data(sync_payload_),
                   [self = this->shared_from_this()](beast::error_code ec) {
                     if (ec) {
                       self->end_sync();
                     }
                   });
    // A client that does not answer pings gets the answer anyway, a little later.
    sync_timer_.expires_after(longest_sync);
    sync_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
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
    sync_timer_.cancel();
    // Not from inside the read that delivered the pong: continue on the strand.
    net::post(ws_.get_executor(), [self = this->shared_from_this()] { self->maybe_write(); });
  }

  void close(websocket::close_code code, std::string reason) {
    if (closing_) {
      return;
    }
    closing_ = true;
    if (reason.size() > 123) {
      reason.resize(123);  // The close frame's reason must fit in a control frame.
    }
    ws_.async_close(websocket::close_reason(code, reason),
                    [self = this->shared_from_this()](beast::error_code) { self->finish(); });
  }

  // The connection is over: the peer (and its session) ends; the outbox lets go of us.
  void finish() {
    if (ticket_ != 0) {
      ctx_->streams->forget(std::exchange(ticket_, 0));
    }
    sync_timer_.cancel();
    lifetime_timer_.cancel();
    if (binding_.box) {
      binding_.box->detach(gen_);
    }
    binding_.peer.reset();
  }

  websocket::stream<Stream> ws_;
  std::shared_ptr<const connection_context> ctx_;
  websocket_binding binding_;
  address_limiter::slot slot_;
  http::request<http::string_body> upgrade_;
  beast::flat_buffer buffer_;
  uint64_t gen_ = 0;
  std::vector<out_piece> pieces_;
  size_t next_ = 0;
  std::vector<net::const_buffer> bufs_;
  bool writing_ = false;
  bool reading_paused_ = false;
  bool closing_ = false;
  bool restarting_ = false;  // The server drains: close once the outbox is empty.
  uint64_t ticket_ = 0;      // On ctx_->streams until finish().
  // The note/answer ordering (start_sync).
  static constexpr std::chrono::milliseconds longest_sync{1000};
  bool notes_unsynced_ = false;  // Request notes written since the client last answered a ping.
  bool syncing_ = false;         // A ping is out; answers wait for its pong.
  uint64_t sync_count_ = 0;
  std::string sync_payload_;
  net::steady_timer sync_timer_;
  net::steady_timer lifetime_timer_;
};

}  // namespace

void start_websocket_session(plain_stream stream, http::request<http::string_body> upgrade,
                             std::shared_ptr<const connection_context> ctx,
                             websocket_binding binding, address_limiter::slot slot) {
  std::make_shared<websocket_session<plain_stream>>(std::move(stream), std::move(ctx),
                                                    std::move(binding), std::move(slot))
      ->run(std::move(upgrade));
}

void start_websocket_session(tls_stream stream, http::request<http::string_body> upgrade,
                             std::shared_ptr<const connection_context> ctx,
                             websocket_binding binding, address_limiter::slot slot) {
  std::make_shared<websocket_session<tls_stream>>(std::move(stream), std::move(ctx),
                                                  std::move(binding), std::move(slot))
      ->run(std::move(upgrade));
}

}  // namespace mcprt::transport
