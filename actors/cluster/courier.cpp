// The owner's end of a forwarded request: an http_exchange whose answer, stream bytes and end
// travel back to the ingress node's relay (through its switchboard, by request id). One
// courier actor per request keeps them in order, pulls a stream's queue only while the relay
// has granted credit (a slow client's stream then fills its own bounded queue here, whose
// policy applies), and quits when the answer ends or the client (or its node) goes away.
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <mutex>

#include "actors/cluster/cluster_metrics.hpp"
#include "actors/cluster/forwarding.hpp"
#include "runtime/io/outbox.hpp"
#include "runtime/io/sse.hpp"

namespace mcprt::actors::cluster {

struct courier_state;
using courier_actor = caf::stateful_actor<courier_state>;

/// exchange -> courier: one call of the exchange, run on the courier.
struct courier_op {
  std::function<void(courier_actor*)> run;
};

}  // namespace mcprt::actors::cluster

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::actors::cluster::courier_op)

namespace mcprt::actors::cluster {

namespace {

using wake_atom = caf::atom_constant<caf::atom("cr_wake")>;

std::vector<wire::header> to_wire(const http_headers& headers) {
  std::vector<wire::header> out;
  out.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    out.push_back({name, value});
  }
  return out;
}

}  // namespace

struct courier_state {
  uint64_t id = 0;   // The ingress node's number for the request.
  caf::actor relay;  // The ingress node's switchboard (a proxy shared by all requests).
  std::string peer;  // The ingress node.
  std::shared_ptr<courier_status> status;  // Shared with the switchboard, which keeps time.
  forward_options options;
  std::shared_ptr<cluster_metrics> metrics;
  enum class mode { waiting, stream, pump } now = mode::waiting;
  bool done = false;
  bool ending = false;  // A stream's end was asked for: it goes once the queue is empty.
  std::shared_ptr<outbox> source;
  uint64_t gen = 0;
  uint64_t sent_bytes = 0;
  uint64_t acked = 0;
  bool stalled = false;
  std::vector<out_piece> pieces;
  std::vector<std::function<void()>> on_close;
  std::function<void()> on_expiry;
  static inline const char* name = "mcprt.cluster.courier";
};

namespace {

void finish(courier_actor* self) {
  auto& st = self->state;
  st.done = true;
  if (st.source && st.now == courier_state::mode::stream) {
    st.source->close("");  // Nothing reads it any more.
  }
  self->quit();
}

void attach(courier_actor* self) {
  auto& st = self->state;
  st.gen = st.source->attach(
      [h = caf::actor_cast<caf::actor>(self)] { caf::anon_send(h, wake_atom::value); });
}

// Sends what the queue holds while the window allows; ends the stream when it is over.
void drain(courier_actor* self) {
  auto& st = self->state;
  while (!st.done && st.source) {
    if (st.sent_bytes - st.acked >= st.options.window_bytes) {
      if (!st.stalled) {
        st.stalled = true;
        st.metrics->credit_stalls.Add({{"peer", st.peer}}).Increment();
      }
      return;
    }
    st.pieces.clear();
    if (!st.source->pull(st.gen, st.pieces)) {
      std::string last;
      if (st.now == courier_state::mode::pump) {
        if (st.source->closed()) {
          last = sse::comment("stream closed: " + st.source->close_reason());
        } else if (!st.source->is_current(st.gen)) {
          last = sse::comment("stream closed: resumed on another connection");
        } else {
          return;  // Idle: the waker says when there is more.
        }
        st.source->detach(st.gen);
      } else if (!st.ending) {
        return;
      }
      if (!last.empty()) {
        self->send(st.relay, wire::x_write{st.id, st.sent_bytes, std::move(last)});
      }
      self->send(st.relay, wire::x_end{st.id});
      return finish(self);
    }
    std::string bytes;
    for (const auto& p : st.pieces) {
      bytes += p.bytes;
    }
    auto n = bytes.size();
    self->send(st.relay, wire::x_write{st.id, st.sent_bytes, std::move(bytes)});
    st.sent_bytes += n;
  }
}

// The client went away (the relay said so, or it is gone): what the exchange's owner asked
// to hear, and a GET stream's queue stays with its session for the next connection.
void client_gone(courier_actor* self) {
  auto& st = self->state;
  if (st.done) {
    return;
  }
  if (st.now == courier_state::mode::pump && st.source) {
    st.source->detach(st.gen);
  }
  auto callbacks = std::move(st.on_close);
  finish(self);
  for (auto& f : callbacks) {
    f();
  }
}

// Every message to the ingress goes through here: it marks the request as taken.
template <class T>
void reply(courier_actor* self, T&& msg) {
  self->state.status->sent.store(true, std::memory_order_relaxed);
  self->send(self->state.relay, std::forward<T>(msg));
}

caf::behavior courier(courier_actor* self, uint64_t id, caf::actor ingress, std::string peer,
                      std::shared_ptr<courier_status> status, forward_options options,
                      std::shared_ptr<cluster_metrics> metrics) {
  auto& st = self->state;
  st.id = id;
  st.relay = std::move(ingress);
  st.peer = std::move(peer);
  st.status = std::move(status);
  st.options = options;
  st.metrics = std::move(metrics);
  return {
      [=](courier_op& op) { op.run(self); },
      [=](wake_atom) { drain(self); },
      [=](const wire::x_credit& c) {
        auto& s = self->state;
        s.acked = std::max(s.acked, c.upto);
        s.stalled = false;
        drain(self);
      },
      [=](const wire::x_closed&) { client_gone(self); },
      [=](deadline_atom) {
        auto& s = self->state;
        if (!s.done && s.on_expiry) {
          std::exchange(s.on_expiry, {})();
        }
      },
  };
}

/// The exchange the owner's endpoint and session answer through. Thread-safe: every call
/// becomes a message to the courier, except a stream's writes, which go straight into the
/// stream's bounded queue.
class remote_exchange final : public http_exchange {
 public:
  explicit remote_exchange(caf::actor courier) : courier_(std::move(courier)) {}
  ~remote_exchange() override {
    // A GET stream lives on in its queue; an answer nobody gave is given up; a stream nobody
    // ended ends after what it holds.
    post([](courier_actor* self) {
      auto& st = self->state;
      if (st.done || st.now == courier_state::mode::pump) {
        return;
      }
      if (st.now == courier_state::mode::waiting) {
        reply(self, wire::x_abort{st.id});
        return finish(self);
      }
      st.ending = true;
      drain(self);
    });
  }

  void respond(http_response r) override {
    post([r = std::move(r)](courier_actor* self) mutable {
      auto& st = self->state;
      if (st.done || st.now != courier_state::mode::waiting) {
        return;
      }
      reply(self, wire::x_respond{st.id, static_cast<uint16_t>(r.status), std::move(r.content_type),
                                  to_wire(r.headers), std::move(r.body)});
      finish(self);
    });
  }

  void start_stream(http_headers headers) override {
    std::shared_ptr<outbox> box;
    {
      std::lock_guard<std::mutex> g(mutex_);
      if (stream_) {
        return;
      }
      // Whole SSE events as they are; notes above the watermark follow their overflow rule.
      stream_ = std::make_shared<outbox>(outbox_limits{}, stream_format::raw, nullptr);
      box = stream_;
    }
    post([box, h = std::move(headers)](courier_actor* self) {
      auto& st = self->state;
      if (st.done || st.now != courier_state::mode::waiting) {
        return;
      }
      st.now = courier_state::mode::stream;
      st.source = box;
      reply(self, wire::x_start{st.id, to_wire(h), 0});
      attach(self);
    });
  }

  void write_stream(std::string bytes, note_overflow overflow) override {
    std::shared_ptr<outbox> box;
    {
      std::lock_guard<std::mutex> g(mutex_);
      box = stream_;
    }
    if (box) {
      auto role =
          overflow.when_behind == note_overflow::rule::keep ? frame_role::other : frame_role::note;
      box->push_control(std::move(bytes), role, overflow);
    }
  }

  void end_stream() override {
    post([](courier_actor* self) {
      auto& st = self->state;
      if (st.done || st.now != courier_state::mode::stream) {
        return;
      }
      st.ending = true;
      drain(self);
    });
  }

  void pump(std::shared_ptr<outbox> source, http_headers headers,
            std::chrono::milliseconds keep_alive) override {
    post([source = std::move(source), h = std::move(headers), keep_alive](courier_actor* self) {
      auto& st = self->state;
      if (st.done || st.now != courier_state::mode::waiting) {
        return;
      }
      st.now = courier_state::mode::pump;
      st.source = source;
      reply(self, wire::x_start{st.id, to_wire(h), keep_alive.count()});
      attach(self);
    });
  }

  void abort() override {
    post([](courier_actor* self) {
      auto& st = self->state;
      if (st.done) {
        return;
      }
      if (st.now == courier_state::mode::pump && st.source) {
        st.source->detach(st.gen);
      }
      reply(self, wire::x_abort{st.id});
      finish(self);
    });
  }

  void on_client_close(std::function<void()> on_close) override {
    post([f = std::move(on_close)](courier_actor* self) mutable {
      auto& st = self->state;
      if (st.done) {
        return;
      }
      if (st.on_close.empty()) {
        reply(self, wire::x_watch_close{st.id});
      }
      st.on_close.push_back(std::move(f));
    });
  }

  void arm_deadline(std::chrono::milliseconds after, std::function<void()> on_expiry) override {
    post([after, f = std::move(on_expiry)](courier_actor* self) mutable {
      auto& st = self->state;
      if (st.done) {
        return;
      }
      st.on_expiry = std::move(f);
      // The switchboard's sweep sends deadline_atom once this has passed.
      auto at = std::chrono::steady_clock::now() + after;
      st.status->deadline_ns.store(at.time_since_epoch().count(), std::memory_order_relaxed);
    });
  }

 private:
  void post(std::function<void(courier_actor*)> f) {
    caf::anon_send(courier_, courier_op{std::move(f)});
  }

  caf::actor courier_;
  std::mutex mutex_;
  std::shared_ptr<outbox> stream_;
};

}  // namespace

caf::actor serve_forwarded(caf::actor_system& sys, wire::forwarded_request& request,
                           const caf::actor& ingress, const forward_server& serve,
                           std::shared_ptr<courier_status> status, const forward_options& options,
                           std::shared_ptr<cluster_metrics> metrics) {
  metrics->served.Add({{"peer", request.from}}).Increment();
  auto c = sys.spawn(courier, request.id, ingress, request.from, std::move(status), options,
                     std::move(metrics));
  http_request r;
  r.method = std::move(request.method);
  r.path = std::move(request.path);
  r.query = std::move(request.query);
  r.body = std::move(request.body);
  for (auto& h : request.headers) {
    r.headers.emplace_back(std::move(h.name), std::move(h.value));
  }
  serve(std::move(r), wire::from_wire(request.who), std::make_shared<remote_exchange>(c));
  return c;
}

std::string_view kind_name(wire::forward_kind kind) {
  switch (kind) {
    case wire::forward_kind::post:
      return "post";
    case wire::forward_kind::get:
      return "get";
    case wire::forward_kind::del:
      return "delete";
    case wire::forward_kind::answer:
      return "answer";
    case wire::forward_kind::legacy_post:
      return "legacy_post";
    case wire::forward_kind::task:
      return "task";
    case wire::forward_kind::keyed:
      return "keyed";
  }
  return "other";
}

}  // namespace mcprt::actors::cluster
