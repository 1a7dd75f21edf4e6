// HTTP header values, read case-insensitively.
#include "actors/front/media_types.hpp"

#include "runtime/codec/ascii.hpp"

namespace mcprt::actors::front {

bool accepts(const std::string& accept, std::string_view type) {
  if (icontains(accept, type) || icontains(accept, "*/*")) {
    return true;
  }
  auto major = std::string(type.substr(0, type.find('/'))) + "/*";
  return icontains(accept, major);
}

bool is_json_media_type(const std::string& content_type) {
  std::string_view media(content_type);
  media = media.substr(0, media.find(';'));
  while (!media.empty() && media.back() == ' ') {
    media.remove_suffix(1);
  }
  return iequals(media, "application/json");
}

std::string host_name(const std::string& host) {
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    return ascii_lowered(host.substr(0, close == std::string::npos ? host.size() : close + 1));
  }
  return ascii_lowered(host.substr(0, host.find(':')));
}

}  // namespace mcprt::actors::front
