// Server-sent events framing.
#include "runtime/io/sse.hpp"

namespace mcprt {
inline namespace io {
namespace sse {

std::string head(std::string_view id) {
  std::string out;
  if (!id.empty()) {
    out.reserve(id.size() + 11);
    out += "id: ";
    out += id;
    out += '\n';
  }
  out += "data: ";
  return out;
}

std::string event(std::string_view data, std::string_view id) {
  auto out = head(id);
  out.reserve(out.size() + data.size() + end.size());
  out += data;
  out += end;
  return out;
}

std::string named_event(std::string_view name, std::string_view data) {
  std::string out = "event: ";
  out += name;
  out += '\n';
  out += "data: ";
  out += data;
  out += end;
  return out;
}

std::string priming(std::string_view id, std::chrono::milliseconds retry) {
  std::string out = "id: ";
  out += id;
  out += "\nretry: " + std::to_string(retry.count());
  out += "\ndata: ";
  out += end;
  return out;
}

std::string reconnect_hint(std::chrono::milliseconds retry, std::string_view why) {
  std::string out = ": ";
  out += why;
  out += "\nretry: " + std::to_string(retry.count());
  out += end;
  return out;
}

std::string comment(std::string_view text) {
  std::string out = ": ";
  out += text;
  out += end;
  return out;
}

}  // namespace sse
}  // namespace io
}  // namespace mcprt
