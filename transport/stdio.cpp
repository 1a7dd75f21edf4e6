// Line framing over the process's standard streams, with a bound on line length so a client
// cannot make the server buffer without limit.
#include "transport/stdio.hpp"

#include <cstdio>

#include "runtime/outbox.hpp"

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

void stdio_transport::attach(const std::shared_ptr<outbox>& box) {
  std::weak_ptr<outbox> weak = box;
  auto gen = std::make_shared<uint64_t>(0);
  *gen = box->attach([self = shared_from_this(), weak, gen] {
    auto b = weak.lock();
    if (!b) {
      return;
    }
    // The outbox calls one waker at a time until pull() finds nothing: a single writer.
    b->drain_messages(*gen, [&self](const std::string& line) { self->write_line(line); });
  });
}

}  // namespace mcprt::transport
