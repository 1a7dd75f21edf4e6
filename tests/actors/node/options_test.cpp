// The node's mapping from config keys to each room's options: every key lands in the unit
// and field the room expects (kilobytes to bytes, milliseconds to durations).
#include "actors/node/options.hpp"

#include <catch2/catch.hpp>

using namespace mcprt;
using namespace mcprt::actors::node;

namespace {

config::config sample() {
  config::config c;
  c.max_payload_kb = 64;
  c.max_header_kb = 8;
  c.subscriber_queue = 300;
  c.queue_watermark = 0.5;
  c.batch_size = 16;
  c.replay_events = 77;
  c.keep_alive_ms = 1500;
  c.request_timeout_ms = 4000;
  c.header_timeout_ms = 900;
  c.allowed_hosts = {"example.test"};
  c.plugin_settings["ticker.rateHz"] = setting_value{int64_t{20}};
  c.plugin_settings["tickerx.other"] = setting_value{int64_t{1}};
  return c;
}

}  // namespace

TEST_CASE("node options carry stream limits from the config", "[actors][node]") {
  auto s = stream_options_of(sample());
  CHECK(s.limits->current().capacity == 300);
  CHECK(s.limits->current().watermark == Approx(0.5));
  CHECK(s.limits->current().batch == 16);
  CHECK(s.replay_events == 77);
  CHECK(s.keep_alive == std::chrono::milliseconds(1500));
}

TEST_CASE("a reload's stream limits reach every copy of the stream options", "[actors][node]") {
  auto s = stream_options_of(sample());
  auto copy = s;  // A session's feed keeps its own copy of the options.
  auto next = sample();
  next.subscriber_queue = 64;
  next.queue_watermark = 0.25;
  next.batch_size = 4;
  s.limits->set(outbox_limits_of(next));
  CHECK(copy.limits->current().capacity == 64);
  CHECK(copy.limits->current().watermark == Approx(0.25));
  CHECK(copy.limits->current().batch == 4);
}

TEST_CASE("node options turn kilobytes into bytes for the endpoint and the listener",
          "[actors][node]") {
  auto c = sample();
  auto e = endpoint_options_of(c);
  CHECK(e.max_payload_bytes == size_t{64} * 1024);
  CHECK(e.request_timeout == std::chrono::milliseconds(4000));
  CHECK(e.allowed_hosts == std::vector<std::string>{"example.test"});
  auto t = server_options_of(c);
  CHECK(t.max_payload_bytes == size_t{64} * 1024);
  CHECK(t.max_header_bytes == size_t{8} * 1024);
  CHECK(t.header_timeout == std::chrono::milliseconds(900));
  CHECK(t.stream_queue == 300);
}

TEST_CASE("node options give a plugin only its own section, without the prefix", "[actors][node]") {
  auto v = section_of(sample(), "ticker");
  CHECK(v.integer("rateHz", 0) == 20);
  CHECK(v.integer("other", -1) == -1);
}
