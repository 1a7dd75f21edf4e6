#include "transport/response_head.hpp"

#include <boost/beast/http/status.hpp>

#include "runtime/codec/ascii.hpp"

namespace mcprt::transport {

namespace {

bool has_no_body(unsigned status) {
  return status < 200 || status == 204 || status == 304;
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

bool asks_to_close(const http_response& r) {
  for (const auto& [name, value] : r.headers) {
    if (same_header_name(name, "Connection") && icontains(value, "close")) {
      return true;
    }
  }
  return false;
}

std::string response_head(const http_response& r, bool keep_alive) {
  auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(r.status));
  std::string out;
  out.reserve(128 + r.content_type.size());
  out.append("HTTP/1.1 ").append(std::to_string(r.status)).append(" ");
  out.append(reason.data(), reason.size()).append("\r\n");
  append_field(out, "Server", "mcprt");
  if (!r.content_type.empty()) {
    append_field(out, "Content-Type", r.content_type);
  }
  for (const auto& [name, value] : r.headers) {
    if (!same_header_name(name, "Connection")) {
      append_field(out, name, value);
    }
  }
  if (!keep_alive) {
    append_field(out, "Connection", "close");
  }
  if (!has_no_body(r.status)) {
    append_field(out, "Content-Length", std::to_string(r.body.size()));
  }
  out.append("\r\n");
  return out;
}

}  // namespace mcprt::transport
