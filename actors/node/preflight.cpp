#include "actors/node/preflight.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "transport/tls_server.hpp"

namespace mcprt::actors::node {

namespace {

// The reason `host` does not resolve, or empty.
std::string unresolvable(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    return gai_strerror(rc);
  }
  freeaddrinfo(found);
  return {};
}

// True when `command` names an executable file, directly or through PATH (as execvp finds it).
bool runnable(const std::string& command) {
  if (command.find('/') != std::string::npos) {
    return access(command.c_str(), X_OK) == 0 && !std::filesystem::is_directory(command);
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    auto colon = dirs.find(':', start);
    auto dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    auto candidate = (dir.empty() ? std::string(".") : dir) + "/" + command;
    if (access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) {
      return true;
    }
    if (colon == std::string::npos) {
      break;
    }
    start = colon + 1;
  }
  return false;
}

// The nearest directory of `path` that exists (the server creates the rest).
std::filesystem::path existing_parent(const std::filesystem::path& path) {
  auto dir = std::filesystem::absolute(path).parent_path();
  std::error_code ec;
  while (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    dir = dir.parent_path();
  }
  return dir;
}

}  // namespace

std::vector<std::string> preflight(const config::config& cfg) {
  std::vector<std::string> problems;
  if (auto why = unresolvable(cfg.host); !why.empty()) {
    problems.push_back("transport.host '" + cfg.host + "' does not resolve: " + why);
  }
  for (const auto& a : cfg.adapters) {
    if (!runnable(a.command)) {
      problems.push_back("adapters '" + a.name + "': command '" + a.command +
                         "' is not an executable file (nor found in PATH)");
    }
  }
  if (cfg.jobs_store_path != ":memory:") {
    auto dir = existing_parent(cfg.jobs_store_path);
    if (!std::filesystem::is_directory(dir)) {
      problems.push_back("jobs.storePath '" + cfg.jobs_store_path + "': '" + dir.string() +
                         "' is a file, not a directory");
    } else if (access(dir.c_str(), W_OK) != 0) {
      problems.push_back("jobs.storePath '" + cfg.jobs_store_path + "': the directory '" +
                         dir.string() + "' is not writable");
    }
  }
  if (!cfg.tls_cert_file.empty()) {
    transport::tls_files files{cfg.tls_cert_file, cfg.tls_key_file, cfg.tls_client_ca_file, false};
    if (auto made = transport::make_server_tls(files); !made) {
      problems.push_back(made.error());
    }
  }
  return problems;
}

}  // namespace mcprt::actors::node
