#include "actors/identity/introspector.hpp"

#include <ctime>

#include "runtime/auth/api_keys.hpp"
#include "runtime/auth/introspection.hpp"
#include "runtime/observe/log.hpp"

namespace mcprt::actors::identity {

namespace {

int64_t unix_now() {
  return static_cast<int64_t>(std::time(nullptr));
}

}  // namespace

introspector::introspector(introspection_options options, std::shared_ptr<http_fetcher> fetcher,
                           std::shared_ptr<auth_metrics> metrics)
    : options_(std::move(options)),
      fetcher_(std::move(fetcher)),
      metrics_(std::move(metrics)),
      authorization_(basic_authorization(options_.client_id, options_.client_secret)) {}

void introspector::check(std::string_view token, const std::string& endpoint,
                         std::function<void(introspection_result)> done) {
  auto digest = sha256_hex(token);  // The token itself is never kept.
  auto now = unix_now();
  std::optional<introspection_result> ready;
  {
    std::lock_guard lock(mutex_);
    if (auto it = known_.find(digest); it != known_.end() && now <= it->second.until) {
      ready = introspection_result{introspection_result::status::answered, it->second.token};
    } else if (auto asked = asking_.find(digest); asked != asking_.end()) {
      asked->second.push_back(std::move(done));  // The same token is being asked about.
      return;
    } else if (asking_.size() >= options_.most_in_flight) {
      ready = introspection_result{introspection_result::status::busy, token_error{}};
    } else {
      asking_[digest];  // Ours to ask: later checks of this token wait for the answer.
    }
  }
  if (ready) {
    metrics_->introspection(ready->how == introspection_result::status::busy ? "busy"
                                                                             : "remembered");
    return done(std::move(*ready));
  }
  {
    std::lock_guard lock(mutex_);  // No answer can come before the request below is sent.
    asking_[digest].push_back(std::move(done));
  }
  fetch_request req;
  req.method = "POST";
  req.url = endpoint;
  req.timeout = options_.timeout;
  req.headers.emplace_back("Authorization", authorization_);
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.headers.emplace_back("Accept", "application/json");
  req.body = introspection_form(token);
  fetcher_->fetch(std::move(req), [self = shared_from_this(), digest](fetch_result fetched) {
    self->answered(digest, std::move(fetched));
  });
}

void introspector::answered(const std::string& digest, fetch_result fetched) {
  auto now = unix_now();
  introspection_result r;
  if (!fetched || fetched->status != 200) {
    r.how = introspection_result::status::unavailable;
    auto why = fetched ? "HTTP " + std::to_string(fetched->status) : fetched.error();
    log::warn("auth introspection failed reason=\"" + why + "\"");
    metrics_->introspection("failed");
  } else {
    r.token = read_introspection(fetched->body, options_.expect, now);
    metrics_->introspection(r.token ? "active" : to_string(r.token.error().fault));
  }
  std::vector<std::function<void(introspection_result)>> waiting;
  {
    std::lock_guard lock(mutex_);
    if (r.how == introspection_result::status::answered) {
      remember(digest, r, now);
    }
    if (auto it = asking_.find(digest); it != asking_.end()) {
      waiting = std::move(it->second);
      asking_.erase(it);
    }
  }
  for (auto& w : waiting) {
    w(r);
  }
}

// Under mutex_. An active token is good until its exp; any other answer is kept briefly.
void introspector::remember(const std::string& digest, const introspection_result& r, int64_t now) {
  if (known_.size() >= options_.cache_size) {
    known_.clear();  // Rare, and simpler than an LRU: the issuer is asked again.
  }
  if (options_.cache_size == 0) {
    return;
  }
  auto until = r.token ? r.token->expires_at + options_.expect.leeway_seconds
                       : now + options_.remember_inactive.count();
  known_.insert_or_assign(digest, remembered{r.token, until});
}

}  // namespace mcprt::actors::identity
