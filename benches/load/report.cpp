// The human table, the JSON record of a run, and --compare between two records.
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "benches/load/scenario.hpp"
#include "runtime/codec/json.hpp"

namespace mcprt::bench {

namespace {

double us(uint64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}

struct figure {
  const char* name;
  bool higher_is_better;
};

// The figures --compare tracks.
constexpr figure tracked[] = {{"throughput_rps", true},
                              {"latency_us.p50", false},
                              {"latency_us.p99", false},
                              {"latency_us.p99_9", false},
                              {"server_cpu_us_per_request", false},
                              {"rss_per_connection_kb", false},
                              {"anon_per_connection_kb", false}};

const rapidjson::Value* lookup(const rapidjson::Value& doc, const std::string& path) {
  const rapidjson::Value* v = &doc;
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '.')) {
    if (!v->IsObject() || !v->HasMember(part.c_str())) {
      return nullptr;
    }
    v = &(*v)[part.c_str()];
  }
  return v->IsNumber() ? v : nullptr;
}

std::optional<rapidjson::Document> load(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  rapidjson::Document d;
  d.Parse(ss.str().c_str());
  if (d.HasParseError() || !d.IsObject()) {
    return std::nullopt;
  }
  return d;
}

}  // namespace

void print_table(const options& o, const result& r) {
  std::printf("scenario   %s (%s, tool %s, %d connections, %s)\n", o.scenario.c_str(),
              o.transport.c_str(), o.tool.c_str(), o.connections,
              o.rate > 0 ? (std::to_string(static_cast<long>(o.rate)) + " req/s open loop").c_str()
                         : "closed loop");
  if (o.scenario == "rpc") {
    std::printf("throughput %.0f req/s  (%llu requests in %.1f s)\n", r.throughput(),
                static_cast<unsigned long long>(r.requests), r.seconds);
    std::printf("latency    min %.0f  p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f us\n",
                us(r.latency.min()), us(r.latency.quantile(0.5)), us(r.latency.quantile(0.9)),
                us(r.latency.quantile(0.99)), us(r.latency.quantile(0.999)), us(r.latency.max()));
  }
  if (o.scenario == "fanout") {
    std::printf(
        "delivered  %.0f notifications/s  (%llu in %.1f s over %d topics, %d per "
        "subscriber)\n",
        r.throughput(), static_cast<unsigned long long>(r.requests), r.seconds, o.topics,
        std::min(o.per_subscriber, o.topics));
    std::printf("latency    min %.0f  p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f us\n",
                us(r.latency.min()), us(r.latency.quantile(0.5)), us(r.latency.quantile(0.9)),
                us(r.latency.quantile(0.99)), us(r.latency.quantile(0.999)), us(r.latency.max()));
    std::printf("lost       %llu\n", static_cast<unsigned long long>(r.lost));
    for (const auto& [url, h] : r.latency_by_url) {
      std::printf("  %s: %llu delivered, p50 %.0f  p90 %.0f  p99 %.0f us\n", url.c_str(),
                  static_cast<unsigned long long>(h.count()), us(h.quantile(0.5)),
                  us(h.quantile(0.9)), us(h.quantile(0.99)));
    }
  }
  std::printf("open       %d connections\n", r.connections_open);
  if (r.server_cpu_seconds) {
    std::printf("server     %.2f CPU s", *r.server_cpu_seconds);
    if (r.requests > 0) {
      std::printf(" (%.1f us/request)",
                  *r.server_cpu_seconds * 1e6 / static_cast<double>(r.requests));
    }
    std::printf(", RSS %ld KiB\n", r.server_rss_kb.value_or(0));
  }
  if (r.client_cpu_seconds) {
    std::printf("client     %.2f CPU s", *r.client_cpu_seconds);
    if (r.requests > 0) {
      std::printf(" (%.1f us/delivery)",
                  *r.client_cpu_seconds * 1e6 / static_cast<double>(r.requests));
    }
    std::printf("\n");
  }
  if (r.rss_per_connection_kb) {
    std::printf("per conn.  %.2f KiB RSS", *r.rss_per_connection_kb);
    if (r.anon_per_connection_kb) {
      std::printf(", %.2f KiB anonymous", *r.anon_per_connection_kb);
    }
    std::printf("\n");
  }
  std::printf("errors    ");
  if (r.errors.empty()) {
    std::printf(" none");
  }
  for (auto& [k, v] : r.errors) {
    std::printf(" %s=%llu", k.c_str(), static_cast<unsigned long long>(v));
  }
  std::printf("\n");
}

std::string write_json(const options& o, const result& r) {
  rapidjson::StringBuffer sb;
  mcprt::finite_writer<rapidjson::PrettyWriter<rapidjson::StringBuffer>> w(sb);
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", std::gmtime(&now));
  w.StartObject();
  w.Key("timestamp");
  w.String(stamp);
  w.Key("label");
  w.String(o.label.c_str());
  w.Key("scenario");
  w.String(o.scenario.c_str());
  w.Key("url");
  w.String(o.url.c_str());
  w.Key("tool");
  w.String(o.tool.c_str());
  w.Key("transport");
  w.String(o.transport.c_str());
  w.Key("connections");
  w.Int(o.connections);
  w.Key("rate");
  w.Double(o.rate);
  w.Key("duration_s");
  w.Double(r.seconds);
  w.Key("payload_bytes");
  w.Uint64(o.payload);
  w.Key("requests");
  w.Uint64(r.requests);
  w.Key("throughput_rps");
  w.Double(r.throughput());
  w.Key("latency_us");
  w.StartObject();
  w.Key("min");
  w.Double(us(r.latency.min()));
  w.Key("p50");
  w.Double(us(r.latency.quantile(0.5)));
  w.Key("p90");
  w.Double(us(r.latency.quantile(0.9)));
  w.Key("p99");
  w.Double(us(r.latency.quantile(0.99)));
  w.Key("p99_9");
  w.Double(us(r.latency.quantile(0.999)));
  w.Key("max");
  w.Double(us(r.latency.max()));
  w.EndObject();
  w.Key("errors");
  w.StartObject();
  for (auto& [k, v] : r.errors) {
    w.Key(k.c_str());
    w.Uint64(v);
  }
  w.EndObject();
  w.Key("connections_open");
  w.Int(r.connections_open);
  if (o.scenario == "fanout") {
    w.Key("topics");
    w.Int(o.topics);
    w.Key("topics_per_subscriber");
    w.Int(std::min(o.per_subscriber, o.topics));
    w.Key("lost");
    w.Uint64(r.lost);
    if (!r.latency_by_url.empty()) {
      w.Key("latency_us_by_url");
      w.StartObject();
      for (const auto& [url, h] : r.latency_by_url) {
        w.Key(url.c_str());
        w.StartObject();
        w.Key("count");
        w.Uint64(h.count());
        w.Key("p50");
        w.Double(us(h.quantile(0.5)));
        w.Key("p99");
        w.Double(us(h.quantile(0.99)));
        w.EndObject();
      }
      w.EndObject();
    }
  }
  if (r.server_cpu_seconds) {
    w.Key("server_cpu_seconds");
    w.Double(*r.server_cpu_seconds);
    if (r.requests > 0) {
      w.Key("server_cpu_us_per_request");
      w.Double(*r.server_cpu_seconds * 1e6 / static_cast<double>(r.requests));
    }
  }
  if (r.client_cpu_seconds) {
    w.Key("client_cpu_seconds");
    w.Double(*r.client_cpu_seconds);
  }
  if (r.server_rss_kb) {
    w.Key("server_rss_kb");
    w.Int64(*r.server_rss_kb);
  }
  if (r.rss_per_connection_kb) {
    w.Key("rss_per_connection_kb");
    w.Double(*r.rss_per_connection_kb);
  }
  if (r.anon_per_connection_kb) {
    w.Key("anon_per_connection_kb");
    w.Double(*r.anon_per_connection_kb);
  }
  w.EndObject();
  std::filesystem::create_directories(o.out_dir);
  auto path =
      o.out_dir + "/" + stamp + "-" + o.scenario + (o.label.empty() ? "" : "-" + o.label) + ".json";
  std::ofstream(path) << sb.GetString() << "\n";
  return path;
}

int compare(const std::string& old_path, const std::string& new_path, double tolerance) {
  auto a = load(old_path);
  auto b = load(new_path);
  if (!a || !b) {
    std::fprintf(stderr, "mcprt-bench: cannot read %s\n", !a ? old_path.c_str() : new_path.c_str());
    return -1;
  }
  int regressions = 0;
  std::printf("%-28s %14s %14s %9s\n", "figure", "old", "new", "change");
  for (const auto& f : tracked) {
    auto* x = lookup(*a, f.name);
    auto* y = lookup(*b, f.name);
    if (x == nullptr || y == nullptr || x->GetDouble() == 0) {
      continue;
    }
    double change = (y->GetDouble() - x->GetDouble()) / x->GetDouble();
    bool worse = f.higher_is_better ? change < -tolerance : change > tolerance;
    regressions += worse ? 1 : 0;
    std::printf("%-28s %14.1f %14.1f %+8.1f%%%s\n", f.name, x->GetDouble(), y->GetDouble(),
                change * 100, worse ? "  REGRESSED" : "");
  }
  return regressions;
}

}  // namespace mcprt::bench
