// One actor keeps the schedule: every period it publishes one round (an update and a tick
// per topic). Rounds that fall behind are caught up at once, so the rate holds on average.
#include "plugins/ticker/ticker.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <memory>

namespace mcprt::plugins::ticker {

namespace {

using clock = std::chrono::steady_clock;

struct schedule {
  std::shared_ptr<mcprt::publisher> out;
  runner_actor runner;
  int64_t topics = 4;
  std::chrono::nanoseconds period{};
  overflow_policy channel_policy = overflow_policy::drop_oldest;
  std::string padding;  // Makes each tick `payloadBytes` long, for benchmarks.
  uint64_t seq = 0;     // Rounds published; read by the resources (same actor).
  clock::time_point next = clock::now();
};

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void publish_round(schedule& s) {
  ++s.seq;
  auto sent = std::to_string(now_us());
  for (int64_t i = 0; i < s.topics; ++i) {
    auto n = std::to_string(i);
    s.out->resource_updated("ticker://topic/" + n);
    auto channel = "ticker://channel/" + n;
    s.out->publish(channel, tick_method,
                   R"({"uri":)" + quote(channel) + R"(,"seq":)" + std::to_string(s.seq) +
                       R"(,"sentUs":)" + sent + s.padding + "}",
                   s.channel_policy);
  }
}

void tick(const std::shared_ptr<schedule>& s) {
  auto now = clock::now();
  int rounds = 0;
  while (s->next <= now && rounds < 1000) {  // Catch up, but never spin forever.
    publish_round(*s);
    s->next += s->period;
    ++rounds;
  }
  if (rounds == 1000) {
    s->next = now + s->period;
  }
  auto wait = std::chrono::duration_cast<std::chrono::microseconds>(s->next - clock::now());
  caf::delayed_anon_send(s->runner, std::max(wait, std::chrono::microseconds(0)),
                         tool_step{[s] { tick(s); }});
}

resource_reader reader(const std::shared_ptr<schedule>& s, const std::string& kind) {
  return [s, kind](resource_request& r) {
    auto n = std::stoll(r.variables().at("n"));
    if (n < 0 || n >= s->topics || r.variables().at("n") != std::to_string(n)) {
      r.not_found();
      return;
    }
    r.finish({resource_contents{
        r.uri(), "application/json",
        R"({")" + kind + R"(":)" + std::to_string(n) + R"(,"seq":)" + std::to_string(s->seq) + "}",
        false}});
  };
}

}  // namespace

plugin descriptor() {
  plugin p;
  p.name = "ticker";
  p.version = "1.0.0";
  p.status = "stable";
  p.description = "publishes resource updates and channel ticks at a set rate (fan-out demos)";
  p.settings = {
      setting_spec{"ticker.topics", setting_type::integer, int64_t{4}, 1, 100000,
                   "topics: ticker://topic/0.. and ticker://channel/0.."},
      setting_spec{"ticker.rateHz", setting_type::number, 1.0, 0.001, 10000,
                   "rounds per second; each round updates every topic once"},
      setting_spec{"ticker.payloadBytes", setting_type::integer, int64_t{0}, 0, 1048576,
                   "pad each tick with a \"pad\" string of this many bytes"},
      setting_spec{"ticker.channelPolicy", setting_type::string, std::string("drop_oldest"), 0, 0,
                   "what a slow channel subscriber gets: coalesce, drop_oldest or disconnect"},
  };
  p.start = [](plugin_context& ctx) -> caf::error {
    auto s = std::make_shared<schedule>();
    s->out = ctx.publisher();
    s->topics = ctx.settings().integer("topics", 4);
    auto rate = ctx.settings().number("rateHz", 1.0);
    s->period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / rate));
    if (!parse_overflow_policy(ctx.settings().string("channelPolicy", "drop_oldest"),
                               s->channel_policy)) {
      return caf::make_error(caf::sec::invalid_argument,
                             "ticker.channelPolicy must be coalesce, drop_oldest or disconnect");
    }
    if (auto pad = ctx.settings().integer("payloadBytes", 0); pad > 0) {
      s->padding = R"(,"pad":")" + std::string(static_cast<size_t>(pad), 'x') + "\"";
    }
    s->runner = spawn_function_tools(ctx.system(), {});
    if (auto err = ctx.add_resource_template(
            {"ticker://topic/{n}", "ticker-topic", "Ticker topic",
             "Updated every round; subscribe for notifications/resources/updated",
             "application/json"},
            reader(s, "topic"), s->runner)) {
      return err;
    }
    if (auto err = ctx.add_resource_template(
            {"ticker://channel/{n}", "ticker-channel", "Ticker channel",
             "Subscribe for notifications/ticker/tick {uri, seq, sentUs} every round",
             "application/json"},
            reader(s, "channel"), s->runner)) {
      return err;
    }
    s->next = clock::now() + s->period;
    caf::anon_send(s->runner, tool_step{[s] { tick(s); }});
    return caf::none;
  };
  return p;
}

}  // namespace mcprt::plugins::ticker
