#include "transport/line_framer.hpp"

namespace mcprt::transport {

void line_framer::feed(std::string_view bytes, const std::function<void(std::string)>& on_line,
                       const std::function<void()>& on_oversized) {
  while (!bytes.empty()) {
    auto nl = bytes.find('\n');
    auto piece = bytes.substr(0, nl);
    if (!oversized_) {
      if (line_.size() + piece.size() > max_line_) {
        oversized_ = true;
        line_.clear();
      } else {
        line_.append(piece);
      }
    }
    if (nl == std::string_view::npos) {
      return;  // The line continues in the next bytes.
    }
    if (oversized_) {
      on_oversized();
    } else if (!line_.empty() && line_ != "\r") {
      on_line(std::move(line_));
    }
    line_.clear();
    oversized_ = false;
    bytes.remove_prefix(nl + 1);
  }
}

}  // namespace mcprt::transport
