#include "transport/request_head.hpp"

#include <iterator>
#include <string>

namespace mcprt::transport {

http_request request_head(const boost::beast::http::request<boost::beast::http::string_body>& msg) {
  http_request req;
  req.method = std::string(msg.method_string());
  auto target = std::string_view(msg.target());
  auto q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) {
    req.query = std::string(target.substr(q + 1));
  }
  // Every header as sent: the handler looks up the ones it gives a meaning to.
  req.headers.reserve(static_cast<size_t>(std::distance(msg.begin(), msg.end())));
  for (const auto& f : msg) {
    req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  }
  return req;
}

}  // namespace mcprt::transport
