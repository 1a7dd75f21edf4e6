#include "actors/identity/issuer_keys.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <vector>

#include "actors/identity/issuer_metadata.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::identity {

namespace {

using clock = std::chrono::steady_clock;

struct keys_state {
  issuer_options options;
  std::shared_ptr<key_cache> cache;
  std::shared_ptr<http_fetcher> fetcher;
  std::shared_ptr<auth_metrics> metrics;
  std::string jwks_uri;  ///< Empty until the metadata named it (or after a failed fetch).
  std::string introspection_endpoint;
  bool in_flight = false;
  clock::time_point last_attempt{};
  clock::time_point last_success{};
  std::vector<std::function<void()>> waiters;
  static inline const char* name = "mcprt.issuer_keys";
};

using keys_self = issuer_keys_actor::stateful_pointer<keys_state>;

// How often the actor looks whether a fetch is due.
std::chrono::seconds tick_period(const issuer_options& o) {
  return std::max(std::chrono::seconds(1), std::min(o.refresh, o.min_refetch));
}

void fetch(keys_self self, fetch_step step, size_t candidate, std::string url) {
  fetch_request req;
  req.url = std::move(url);
  req.timeout = self->state.options.fetch_timeout;
  req.headers.emplace_back("Accept", "application/json");
  issuer_keys_actor me = self;
  self->state.fetcher->fetch(std::move(req), [me, step, candidate](fetch_result r) {
    keys_fetched out{step, candidate, r.has_value(), {}, {}};
    if (r) {
      out.response = std::move(r.value());
    } else {
      out.error = r.error();
    }
    caf::anon_send(me, std::move(out));
  });
}

void start_fetch(keys_self self) {
  auto& s = self->state;
  s.in_flight = true;
  s.last_attempt = clock::now();
  if (s.jwks_uri.empty()) {
    fetch(self, fetch_step::metadata, 0, metadata_urls(s.options.issuer).at(0));
  } else {
    fetch(self, fetch_step::jwks, 0, s.jwks_uri);
  }
}

// The fetch ended: publish what changed, wake who waited.
void finish(keys_self self, std::optional<jwk_set> keys, const std::string& why) {
  auto& s = self->state;
  s.in_flight = false;
  auto before = s.cache->current();
  auto next = std::make_shared<issuer_snapshot>(*before);
  next->introspection_endpoint = s.introspection_endpoint;
  if (keys) {
    next->keys = std::move(*keys);
    next->ever_fetched = true;
    next->reachable = true;
    s.last_success = clock::now();
    s.metrics->key_fetch("ok");
    std::string skipped;
    for (const auto& k : next->keys.skipped) {
      skipped += " skipped=\"" + k + "\"";
    }
    log::info("auth keys fetched issuer=" + s.options.issuer +
              " keys=" + std::to_string(next->keys.keys.size()) + skipped);
  } else {
    next->reachable = false;
    s.jwks_uri.clear();  // Discover again next time: the issuer may have moved its keys.
    s.metrics->key_fetch("failed");
    log::warn("auth keys not fetched issuer=" + s.options.issuer + " reason=\"" + why + "\"" +
              (before->ever_fetched ? " (the last keys stay in use)" : " (no keys yet)"));
  }
  s.cache->publish(std::move(next));
  auto waiters = std::move(s.waiters);
  s.waiters.clear();
  for (auto& w : waiters) {
    w();
  }
}

void on_fetched(keys_self self, keys_fetched& got) {
  auto& s = self->state;
  auto failure = [&]() -> std::string {
    if (!got.ok) {
      return got.error;
    }
    if (got.response.status != 200) {
      return "HTTP " + std::to_string(got.response.status);
    }
    return {};
  }();
  if (got.step == fetch_step::metadata) {
    expected<issuer_metadata, std::string> meta = failure;
    if (failure.empty()) {
      meta = read_issuer_metadata(got.response.body, s.options.issuer);
    }
    if (meta) {
      s.jwks_uri = meta->jwks_uri;
      s.introspection_endpoint = meta->introspection_endpoint;
      return fetch(self, fetch_step::jwks, 0, s.jwks_uri);
    }
    auto urls = metadata_urls(s.options.issuer);
    if (got.candidate + 1 < urls.size()) {
      return fetch(self, fetch_step::metadata, got.candidate + 1, urls[got.candidate + 1]);
    }
    return finish(self, std::nullopt, "metadata: " + meta.error());
  }
  if (!failure.empty()) {
    return finish(self, std::nullopt, "jwks: " + failure);
  }
  auto keys = parse_jwks(got.response.body);
  if (!keys) {
    return finish(self, std::nullopt, "jwks: " + keys.error());
  }
  finish(self, std::move(keys.value()), {});
}

issuer_keys_actor::behavior_type keys_impl(keys_self self, issuer_options options,
                                           std::shared_ptr<key_cache> cache,
                                           std::shared_ptr<http_fetcher> fetcher,
                                           std::shared_ptr<auth_metrics> metrics) {
  auto& s = self->state;
  s.options = std::move(options);
  s.cache = std::move(cache);
  s.fetcher = std::move(fetcher);
  s.metrics = std::move(metrics);
  start_fetch(self);
  self->delayed_send(self, tick_period(s.options), tick_atom::value);
  return {
      [self](keys_wanted& want) {
        auto& st = self->state;
        if (st.in_flight) {
          st.waiters.push_back(std::move(want.done));
          return;
        }
        if (clock::now() - st.last_attempt < st.options.min_refetch) {
          st.metrics->key_fetch("limited");
          want.done();
          return;
        }
        st.waiters.push_back(std::move(want.done));
        start_fetch(self);
      },
      [self](keys_fetched& got) { on_fetched(self, got); },
      [self](tick_atom) {
        auto& st = self->state;
        // The keys are refreshed every `refresh`; a failed issuer is retried every
        // `min_refetch` until it answers.
        auto now = clock::now();
        bool due = st.cache->current()->reachable ? now - st.last_success >= st.options.refresh
                                                  : now - st.last_attempt >= st.options.min_refetch;
        if (due && !st.in_flight) {
          start_fetch(self);
        }
        self->delayed_send(self, tick_period(st.options), tick_atom::value);
      },
  };
}

}  // namespace

issuer_keys_actor spawn_issuer_keys(caf::actor_system& sys, issuer_options options,
                                    std::shared_ptr<key_cache> cache,
                                    std::shared_ptr<http_fetcher> fetcher,
                                    std::shared_ptr<auth_metrics> metrics) {
  return sys.spawn(keys_impl, std::move(options), std::move(cache), std::move(fetcher),
                   std::move(metrics));
}

}  // namespace mcprt::actors::identity
