// Line framing over the process's standard streams, with a bound on line length so a client
// cannot make the server buffer without limit.
#include "transport/stdio.hpp"

#include <cstdio>

namespace mcprt::transport {

void stdio_transport::run(const std::function<void(std::string)>& on_line,
                          const std::function<void()>& on_oversized) {
  std::string line;
  bool oversized = false;
  int c;
  while ((c = std::fgetc(stdin)) != EOF) {
    if (c == '\n') {
      if (oversized) {
        on_oversized();
      } else if (!line.empty() && line != "\r") {
        on_line(std::move(line));
      }
      line.clear();
      oversized = false;
      continue;
    }
    if (oversized) {
      continue;
    }
    if (line.size() >= max_line_) {
      oversized = true;
      line.clear();
      continue;
    }
    line.push_back(static_cast<char>(c));
  }
}

void stdio_transport::write_line(const std::string& message) {
  std::lock_guard<std::mutex> guard(write_mutex_);
  std::fwrite(message.data(), 1, message.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace mcprt::transport
