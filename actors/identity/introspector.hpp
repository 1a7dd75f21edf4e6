// Opaque access tokens, checked by asking the issuer (RFC 7662) at its introspection_endpoint
// as a confidential client. Answers are remembered by the token's SHA-256: an active token
// until its exp, an inactive one for a short while (so a flood of made-up tokens costs the
// issuer one request each at most once), and one request at a time per token. A bound on
// requests in flight keeps a flood from becoming a flood at the issuer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/identity/auth_metrics.hpp"
#include "runtime/auth/jwt.hpp"
#include "runtime/io/http_fetch.hpp"

namespace mcprt::actors::identity {

/// auth.introspection* settings.
struct introspection_options {
  std::string client_id;  ///< The resource server's client at the issuer; empty: no introspection.
  std::string client_secret;
  token_expectations expect;
  size_t cache_size = 10000;
  size_t most_in_flight = 64;
  std::chrono::seconds remember_inactive{30};
  std::chrono::milliseconds timeout{5000};
};

/// What the issuer said, or that it could not be asked.
struct introspection_result {
  enum class status { answered, unavailable, busy };
  status how = status::answered;
  expected<verified_token, token_error> token = token_error{};
};

class introspector : public std::enable_shared_from_this<introspector> {
 public:
  introspector(introspection_options options, std::shared_ptr<http_fetcher> fetcher,
               std::shared_ptr<auth_metrics> metrics);

  /// Checks `token` at `endpoint`. `done` runs once: on this thread for a remembered answer,
  /// else on the fetcher's thread.
  void check(std::string_view token, const std::string& endpoint,
             std::function<void(introspection_result)> done);

 private:
  struct remembered {
    expected<verified_token, token_error> token = token_error{};
    int64_t until = 0;  ///< Unix seconds.
  };
  void answered(const std::string& digest, fetch_result fetched);
  void remember(const std::string& digest, const introspection_result& r, int64_t now);

  introspection_options options_;
  std::shared_ptr<http_fetcher> fetcher_;
  std::shared_ptr<auth_metrics> metrics_;
  std::string authorization_;
  std::mutex mutex_;
  std::unordered_map<std::string, remembered> known_;
  std::unordered_map<std::string, std::vector<std::function<void(introspection_result)>>> asking_;
};

}  // namespace mcprt::actors::identity
