// A worker's environment: the server's secrets stay behind; the basics, the adapter's
// inheritEnv names and its env settings go through.
#include "actors/adapters/worker_env.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace mcprt::actors::adapters;

namespace {

bool has(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}

}  // namespace

TEST_CASE("a worker gets a minimal environment, not the server's", "[actors][adapters]") {
  std::vector<std::string_view> server{"PATH=/usr/bin:/bin",
                                       "HOME=/var/lib/mcprt",
                                       "LANG=C.UTF-8",
                                       "AWS_SECRET_ACCESS_KEY=s3cr3t",
                                       "DATABASE_URL=postgres://u:p@db/x",
                                       "OMP_NUM_THREADS=8",
                                       "NODE_OPTIONS=--max-old-space-size=512",
                                       "UBSAN_OPTIONS=halt_on_error=1",
                                       "malformed-without-equals"};
  auto env = worker_environment(server, {"NODE_OPTIONS"}, {{"OMP_NUM_THREADS", "1"}});
  CHECK(has(env, "PATH=/usr/bin:/bin"));
  CHECK(has(env, "HOME=/var/lib/mcprt"));
  CHECK(has(env, "LANG=C.UTF-8"));
  CHECK(has(env, "UBSAN_OPTIONS=halt_on_error=1"));
  CHECK(has(env, "NODE_OPTIONS=--max-old-space-size=512"));  // inheritEnv
  CHECK(has(env, "OMP_NUM_THREADS=1"));                      // env wins
  CHECK_FALSE(has(env, "OMP_NUM_THREADS=8"));
  for (const auto& e : env) {
    CHECK(e.find("s3cr3t") == std::string::npos);
    CHECK(e.find("DATABASE_URL") == std::string::npos);
  }
  CHECK(env.size() == 6);
}
