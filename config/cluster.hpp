// The `cluster` section: a node's name, where it listens for its peers, and the static list of
// peers (file-only `cluster.peers`). The checks that need several keys at once live here too.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

namespace mcprt::config {

/// One peer of `cluster.peers`.
struct cluster_peer {
  std::string name;
  std::string address;  ///< host:port of its cluster.listen.
  bool operator==(const cluster_peer&) const = default;
};

/// Reads and checks the `cluster.peers` array; the first problem, naming the entry, or nullopt.
std::optional<std::string> parse_cluster_peers(const rapidjson::Value& array,
                                               std::vector<cluster_peer>& out);

/// Splits "host:port" ("[v6]:port" too); false when it is not one.
bool split_host_port(const std::string& address, std::string& host, uint16_t& port);

}  // namespace mcprt::config
