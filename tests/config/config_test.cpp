// Config layering (defaults < file < env < --set) and its refusals, each naming the key.
#include "config/config.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>

#include "config/cli.hpp"

using namespace mcprt;
using namespace mcprt::config;

namespace {

load_request request(std::map<std::string, std::string> env = {}) {
  load_request r;
  r.known_plugins = {"demo", "ticker", "conformance"};
  r.plugin_settings = {
      setting_spec{"demo.maxSleepMs", setting_type::integer, int64_t{60000}, 0, 86400000, ""}};
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(env));
  r.getenv = [shared](const char* n) -> const char* {
    auto it = shared->find(n);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
  return r;
}

std::string write_file(const std::string& text) {
  char name[] = "/tmp/mcprt-config-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  std::ofstream(name) << text;
  close(fd);
  return name;
}

mcprt::config::config loaded(const load_request& r) {
  auto out = load(r);
  if (auto* err = out.failure()) {
    FAIL(*err);
  }
  return out.value();
}

std::string refused(const load_request& r) {
  auto out = load(r);
  REQUIRE(!out.has_value());
  return out.error();
}

}  // namespace

TEST_CASE("config defaults run a local server with the demo and ticker plugins", "[config]") {
  auto c = loaded(request());
  CHECK(c.host == "127.0.0.1");
  CHECK(c.max_inflight == 2048);
  CHECK(c.batch_size == 64);
  CHECK(c.queue_watermark == Approx(0.75));
  CHECK(c.max_payload_kb == 512);
  CHECK(c.scheduler_threads == 1);
  CHECK(c.plugins_enabled == std::vector<std::string>{"demo", "ticker"});
  CHECK(c.sources.at("performance.maxInflight") == "default");
}

TEST_CASE("config layers file, env and flags in that order", "[config]") {
  auto r = request({{"MCP_MAX_INFLIGHT", "300"}, {"MCPRT_PERFORMANCE_BATCH_SIZE", "16"}});
  r.file = write_file(R"({"performance":{"maxInflight":100,"batchSize":8,"queueWatermark":0.5},
                         "demo":{"maxSleepMs":10}})");
  r.sets = {{"performance.batchSize", "4"}};
  auto c = loaded(r);
  std::remove(r.file->c_str());
  CHECK(c.max_inflight == 300);
  CHECK(c.sources.at("performance.maxInflight") == "env");
  CHECK(c.batch_size == 4);
  CHECK(c.sources.at("performance.batchSize") == "flag");
  CHECK(c.queue_watermark == Approx(0.5));
  CHECK(std::get<int64_t>(c.plugin_settings.at("demo.maxSleepMs")) == 10);
}

TEST_CASE("config refuses bad input with one line naming the key", "[config]") {
  auto r = request();
  r.sets = {{"performance.maxInflite", "1"}};
  CHECK_THAT(refused(r), Catch::Contains("unknown key 'performance.maxInflite'"));
  r.sets = {{"performance.maxInflight", "many"}};
  CHECK_THAT(refused(r), Catch::Contains("'performance.maxInflight' must be an integer"));
  r.sets = {{"performance.maxInflight", "0"}};
  CHECK_THAT(refused(r), Catch::Contains("'performance.maxInflight' is out of range"));
  r.sets = {{"plugins.enabled", "demo,ghost"}};
  CHECK_THAT(refused(r), Catch::Contains("unknown plugin 'ghost'"));
  r.sets = {};
  r.file = write_file(R"({"transport":{"port":"80"}})");
  CHECK_THAT(refused(r), Catch::Contains("'transport.port' must be an integer"));
  std::remove(r.file->c_str());
  r.file = write_file(R"({"transport":{"nope":1}})");
  CHECK_THAT(refused(r), Catch::Contains("unknown key 'transport.nope'"));
  std::remove(r.file->c_str());
  auto e = request({{"MCP_QUEUE_WATERMARK", "2"}});
  CHECK_THAT(refused(e), Catch::Contains("MCP_QUEUE_WATERMARK"));
}

TEST_CASE("a key written twice in the file is refused, at any depth", "[config]") {
  auto r = request();
  r.file = write_file(R"({"performance":{"maxInflight":1,"maxInflight":2}})");
  CHECK_THAT(refused(r), Catch::Contains("names 'performance.maxInflight' twice"));
  std::remove(r.file->c_str());
  r.file = write_file(R"({"adapters":[{"name":"a","command":"x","name":"b"}]})");
  CHECK_THAT(refused(r), Catch::Contains("names 'adapters.name' twice"));
  std::remove(r.file->c_str());
}

TEST_CASE("TLS keys come as a pair, and a client CA needs TLS", "[config]") {
  auto r = request();
  r.sets = {{"transport.tls.certFile", "server.pem"}};
  CHECK_THAT(refused(r), Catch::Contains("go together: set both"));
  r.sets = {{"transport.tls.clientCaFile", "ca.pem"}};
  CHECK_THAT(refused(r), Catch::Contains("'transport.tls.clientCaFile' needs TLS"));
  r.sets = {};
  r.file = write_file(R"({"transport":{"tls":{"certFile":"s.pem","keyFile":"s.key"}}})");
  auto c = loaded(r);
  CHECK(c.tls_cert_file == "s.pem");
  CHECK(c.tls_key_file == "s.key");
  std::remove(r.file->c_str());
}

TEST_CASE("env names are MCPRT_ and upper snake case", "[config]") {
  CHECK(env_name("performance.maxInflight") == "MCPRT_PERFORMANCE_MAX_INFLIGHT");
  CHECK(env_name("session.idleTimeoutMs") == "MCPRT_SESSION_IDLE_TIMEOUT_MS");
}

TEST_CASE("cli maps --listen and --set onto keys", "[config][cli]") {
  const char* argv[] = {"mcprt", "--listen", "[::1]:0", "--set", "log.level=debug"};
  auto r = parse_cli(5, const_cast<char**>(argv));
  REQUIRE(r.has_value());
  auto& sets = r.value().load.sets;
  REQUIRE(sets.size() == 3);
  CHECK(sets[0] == std::pair<std::string, std::string>{"transport.host", "::1"});
  CHECK(sets[1] == std::pair<std::string, std::string>{"transport.port", "0"});
  const char* bad[] = {"mcprt", "--set", "novalue"};
  CHECK_FALSE(parse_cli(3, const_cast<char**>(bad)).has_value());
}

TEST_CASE("adapters come from the file, with defaults, and bad entries are named", "[config]") {
  auto r = request();
  r.file = write_file(R"({"adapters":[{"name":"sim","command":"mcprt","args":["--stdio"],
      "env":{"A":"1"},"inheritEnv":["NODE_OPTIONS"],"maxWorkers":4,"affinity":"session",
      "toolPrefix":"sim_"}]})");
  auto c = loaded(r);
  std::remove(r.file->c_str());
  REQUIRE(c.adapters.size() == 1);
  const auto& a = c.adapters[0];
  CHECK(a.name == "sim");
  CHECK(a.args == std::vector<std::string>{"--stdio"});
  CHECK(a.env.at("A") == "1");
  CHECK(a.inherit_env == std::vector<std::string>{"NODE_OPTIONS"});
  CHECK(a.min_workers == 1);
  CHECK(a.max_workers == 4);
  CHECK(a.call_timeout_ms == 300000);
  CHECK(a.affinity == "session");
  CHECK(a.task_support == "optional");

  auto bad = [&](const std::string& entries, const std::string& says) {
    r.file = write_file(R"({"adapters":)" + entries + "}");
    CHECK_THAT(refused(r), Catch::Contains(says));
    std::remove(r.file->c_str());
  };
  bad(R"([{"name":"x","command":"c","workers":2}])", "unknown key 'workers' in adapters[0]");
  bad(R"([{"name":"x"}])", "adapters[0] (x) needs a \"command\"");
  bad(R"([{"name":"x","command":"c","minWorkers":3,"maxWorkers":2}])",
      "minWorkers is above maxWorkers");
  bad(R"([{"name":"x","command":"c"},{"name":"x","command":"d"}])", "'x' is used twice");
  bad(R"([{"name":"X Y","command":"c"}])", "adapters[0].name must be lowercase");
  bad(R"([{"name":"x","command":"c","affinity":"sticky"}])", "affinity must be");
  bad(R"({"name":"x"})", "adapters must be an array");
  bad(R"([{"name":"x","command":"c","inheritEnv":"PATH"}])",
      "adapters[0].inheritEnv must be an array of variable names");
}

TEST_CASE("auth keys: flat keys anywhere, key lists and scope maps from the file", "[config]") {
  auto r = request();
  r.file = write_file(R"({"auth":{"mode":"oauth","issuer":"https://as.example.com",
      "resource":"https://mcp.example.com/mcp","scopes":["mcp"],
      "apiKeys":[{"name":"ci","sha256":"00","scopes":["mcp:tools"]}],
      "toolScopes":{"delete":["files:write"]},"resourceScopes":{"file:///":["files:read"]},
      "methodScopes":{"prompts/get":["mcp:prompts"]}}})");
  r.sets = {{"auth.leewaySeconds", "5"}};
  auto c = loaded(r);
  std::remove(r.file->c_str());
  CHECK(c.auth_mode == "oauth");
  CHECK(c.auth_scopes == std::vector<std::string>{"mcp"});
  CHECK(c.auth_leeway_seconds == 5);
  REQUIRE(c.auth_api_keys.size() == 1);
  CHECK(c.auth_api_keys[0].name == "ci");
  CHECK(c.auth_tool_scopes.at("delete") == std::vector<std::string>{"files:write"});
  CHECK(c.auth_resource_scopes.at("file:///") == std::vector<std::string>{"files:read"});
  CHECK(c.auth_method_scopes.at("prompts/get") == std::vector<std::string>{"mcp:prompts"});

  auto bad = [&](const std::string& auth, const std::string& says) {
    r.file = write_file(R"({"auth":)" + auth + "}");
    CHECK_THAT(refused(r), Catch::Contains(says));
    std::remove(r.file->c_str());
  };
  bad(R"({"mode":"magic"})", "must be one of none, oauth, apiKeys");
  bad(R"({"toolScopes":{"x":"files"}})", "auth.toolScopes.x must be a list of scopes");
  bad(R"({"apiKeys":[{"name":"a","key":"plain"}]})", "unknown or mistyped member 'key'");
  bad(R"({"leewaySeconds":-1})", "out of range");
}

TEST_CASE("state lives in an absolute directory, whatever the working directory",
          "[config][state]") {
  auto dir = [](std::map<std::string, std::string> env) {
    return load(request(std::move(env))).value().state_directory;
  };
  CHECK(dir({{"STATE_DIRECTORY", "/var/lib/mcprt:/var/lib/other"}, {"HOME", "/home/a"}}) ==
        "/var/lib/mcprt");
  CHECK(dir({{"XDG_STATE_HOME", "/home/a/.state"}, {"HOME", "/home/a"}}) == "/home/a/.state/mcprt");
  CHECK(dir({{"HOME", "/home/a"}}) == "/home/a/.local/state/mcprt");
  CHECK(dir({{"HOME", "relative"}}) == "/var/lib/mcprt");
  CHECK(dir({}) == "/var/lib/mcprt");
  auto cfg = load(request({{"MCPRT_STATE_DIRECTORY", "/srv/mcprt"}})).value();
  CHECK(cfg.jobs_store_path == "/srv/mcprt/jobs.sqlite");
  auto set = request();
  set.sets = {{"jobs.storePath", "/data/jobs.db"}};
  CHECK(load(set).value().jobs_store_path == "/data/jobs.db");
  auto relative = load(request({{"MCPRT_STATE_DIRECTORY", "var/state"}}));
  REQUIRE(relative.failure());
  CHECK(*relative.failure() == "key 'state.directory' must be an absolute path, not 'var/state'");
}

TEST_CASE("a core-only load skips the sections plugin modules declare", "[config][state]") {
  auto path = write_file(R"({"plugins":{"dirs":["/opt/p"],"enabled":["demo","hello"]},)"
                         R"("hello":{"salutation":"Hi"}})");
  auto r = request();
  r.file = path;
  r.sets = {{"hello.salutation", "Hey"}};
  auto full = load(r);
  REQUIRE(full.failure());
  CHECK(*full.failure() == "unknown key 'hello' in the config file");
  r.core_only = true;
  auto core = load(r);
  REQUIRE(core.has_value());
  CHECK(core.value().plugins_dirs == std::vector<std::string>{"/opt/p"});
  std::remove(path.c_str());
}

TEST_CASE("cluster: a node, where it listens, its peers, plaintext only on loopback",
          "[config][cluster]") {
  auto r = request();
  r.file = write_file(R"({"cluster":{"name":"prod","nodeName":"n1","listen":"127.0.0.1:19081",
      "heartbeatMs":500,"deadAfterMs":3000,"peers":[{"name":"n2","address":"127.0.0.1:19082"},
      {"name":"n3","address":"[::1]:19083"}]}})");
  auto c = loaded(r);
  std::remove(r.file->c_str());
  CHECK(c.cluster_name == "prod");
  CHECK(c.cluster_node_name == "n1");
  REQUIRE(c.cluster_peers.size() == 2);
  CHECK(c.cluster_peers[1] == mcprt::config::cluster_peer{"n3", "[::1]:19083"});
  CHECK(c.cluster_dead_after_ms == 3000);

  auto bad = [&](const std::string& cluster, const std::string& says) {
    r.file = write_file(R"({"cluster":)" + cluster + "}");
    CHECK_THAT(refused(r), Catch::Contains(says));
    std::remove(r.file->c_str());
  };
  bad(R"({"nodeName":"N1","listen":"127.0.0.1:1"})", "cluster.nodeName must be 1 to 16");
  bad(R"({"nodeName":"n1"})", "cluster.listen must be host:port");
  bad(R"({"nodeName":"n1","listen":"127.0.0.1:99999"})", "cluster.listen must be host:port");
  bad(R"({"listen":"127.0.0.1:1"})", "need cluster.nodeName");
  bad(R"({"nodeName":"n1","listen":"10.0.0.5:19081"})",
      "'10.0.0.5' is not a loopback address: between machines the cluster needs mutual TLS");
  bad(R"({"nodeName":"n1","listen":"127.0.0.1:1","peers":[{"name":"n2","address":"db:1"}]})",
      "cluster.peers address 'db' is not a loopback address");
  bad(R"({"nodeName":"n1","listen":"127.0.0.1:1","peers":[{"name":"n1","address":"127.0.0.1:2"}]})",
      "lists this node itself");
  bad(R"({"nodeName":"n1","listen":"127.0.0.1:1","peers":[{"name":"n2","address":"127.0.0.1:2"},
      {"name":"n2","address":"127.0.0.1:3"}]})",
      "peer 'n2' is listed twice");
  bad(R"({"nodeName":"n1","listen":"127.0.0.1:1","peers":[{"name":"n2","host":"x"}]})",
      "unknown or mistyped member 'host'");
  bad(R"({"nodeName":"n1","listen":"127.0.0.1:1","tls":{"certFile":"c.pem"}})",
      "go together: set all three");
  bad(R"({"nodeName":"n1","listen":"127.0.0.1:1","heartbeatMs":2000,"deadAfterMs":1000})",
      "cluster.deadAfterMs must be longer than cluster.heartbeatMs");

  // With mutual TLS, other addresses are fine.
  r.file = write_file(R"({"cluster":{"nodeName":"n1","listen":"10.0.0.5:19081",
      "tls":{"certFile":"c.pem","keyFile":"c.key","caFile":"ca.pem"},
      "peers":[{"name":"n2","address":"10.0.0.6:19081"}]}})");
  CHECK(loaded(r).cluster_peers.size() == 1);
  std::remove(r.file->c_str());
}

TEST_CASE("cluster.secretFile holds one or two keys, each long enough", "[config][cluster]") {
  auto r = request();
  auto secret = write_file(std::string(64, 'a') + "\n" + std::string(64, 'b') + "\n");
  r.sets = {{"cluster.secretFile", secret}};
  auto c = loaded(r);
  REQUIRE(c.cluster_secrets.size() == 2);
  CHECK(c.cluster_secrets[0] == std::string(64, 'a'));  // The current key first.
  std::remove(secret.c_str());

  auto bad = [&](const std::string& text, const std::string& says) {
    auto file = write_file(text);
    r.sets = {{"cluster.secretFile", file}};
    CHECK_THAT(refused(r), Catch::Contains(says));
    std::remove(file.c_str());
  };
  bad("short\n", "each key must be at least 32 characters");
  bad("\n\n", "must hold one key, or two");
  bad(std::string(40, 'a') + "\n" + std::string(40, 'b') + "\n" + std::string(40, 'c') + "\n",
      "must hold one key, or two");
  r.sets = {{"cluster.secretFile", "/nonexistent/cluster.key"}};
  CHECK_THAT(refused(r), Catch::Contains("cannot be read"));
}
