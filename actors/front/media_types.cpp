// HTTP header values, read case-insensitively.
#include "actors/front/media_types.hpp"

#include <algorithm>
#include <cctype>

namespace mcprt::actors::front {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool accepts(const std::string& accept, std::string_view type) {
  auto a = lower(accept);
  if (a.find(type) != std::string::npos || a.find("*/*") != std::string::npos) {
    return true;
  }
  auto major = std::string(type.substr(0, type.find('/'))) + "/*";
  return a.find(major) != std::string::npos;
}

bool is_json_media_type(const std::string& content_type) {
  auto ct = lower(content_type);
  auto semi = ct.find(';');
  auto media = ct.substr(0, semi);
  while (!media.empty() && media.back() == ' ') {
    media.pop_back();
  }
  return media == "application/json";
}

std::string host_name(const std::string& host) {
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    return lower(host.substr(0, close == std::string::npos ? host.size() : close + 1));
  }
  return lower(host.substr(0, host.find(':')));
}

}  // namespace mcprt::actors::front
