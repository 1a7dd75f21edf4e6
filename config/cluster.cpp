#include "config/cluster.hpp"

#include <charconv>
#include <set>

#include "runtime/mcp/ids.hpp"

namespace mcprt::config {

bool split_host_port(const std::string& address, std::string& host, uint16_t& port) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    return false;
  }
  host = address.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) {
      return false;
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return false;  // A bare IPv6 address: its port cannot be told apart.
  }
  unsigned value = 0;
  const auto* first = address.data() + colon + 1;
  const auto* last = address.data() + address.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last || value == 0 || value > 65535) {
    return false;
  }
  port = static_cast<uint16_t>(value);
  return true;
}

std::optional<std::string> parse_cluster_peers(const rapidjson::Value& array,
                                               std::vector<cluster_peer>& out) {
  if (!array.IsArray()) {
    return std::string(R"(cluster.peers must be an array of {"name", "address"} objects)");
  }
  out.clear();
  std::set<std::string> names;
  for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
    auto where = "cluster.peers[" + std::to_string(i) + "]";
    const auto& v = array[i];
    if (!v.IsObject()) {
      return where + " must be an object";
    }
    cluster_peer p;
    for (const auto& m : v.GetObject()) {
      std::string key(m.name.GetString(), m.name.GetStringLength());
      if ((key != "name" && key != "address") || !m.value.IsString()) {
        return where + ": unknown or mistyped member '" + key +
               "' (a peer has a string name and address)";
      }
      (key == "name" ? p.name : p.address).assign(m.value.GetString(), m.value.GetStringLength());
    }
    if (!valid_node_name(p.name)) {
      return where + ".name must be 1 to 16 of a-z, 0-9 and '-', not '" + p.name + "'";
    }
    std::string host;
    uint16_t port = 0;
    if (!split_host_port(p.address, host, port)) {
      return where + ".address must be host:port, not '" + p.address + "'";
    }
    if (!names.insert(p.name).second) {
      return where + ": peer '" + p.name + "' is listed twice";
    }
    out.push_back(std::move(p));
  }
  return std::nullopt;
}

}  // namespace mcprt::config
