// Line framing over the process's standard streams, with a bound on line length so a client
// cannot make the server buffer without limit.
#include "transport/stdio.hpp"

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "runtime/io/outbox.hpp"
#include "transport/line_framer.hpp"

namespace mcprt::transport {

namespace {

// Bytes written to `fd` that its reader has not taken yet, where the kernel can tell: a pipe
// (FIONREAD) or a Unix socket (SIOCOUTQ; Node.js spawns servers on a socketpair).
std::optional<int> unread_bytes(int fd) {
  struct stat st {};
  int n = 0;
  if (fstat(fd, &st) != 0) {
    return std::nullopt;
  }
  if (S_ISFIFO(st.st_mode) && ioctl(fd, FIONREAD, &n) == 0) {
    return n;
  }
  if (S_ISSOCK(st.st_mode) && ioctl(fd, SIOCOUTQ, &n) == 0) {
    return n;
  }
  return std::nullopt;
}

// Waits, for at most `most`, until the client has read what was written to `fd`. The reader
// wakes within microseconds when it is alive; the bound keeps a stuck one from holding us.
// The kernel counts the bytes read while the reader's read() is still running, and that
// read() takes whatever else arrives before it returns: a short pause lets it return first
// (without it, 1 call in about 150 still had its last progress and its answer in one read).
void wait_until_read(int fd, std::chrono::microseconds most) {
  constexpr std::chrono::microseconds settle{100};
  auto pause = std::chrono::microseconds(20);
  auto deadline = std::chrono::steady_clock::now() + most;
  for (;;) {
    auto unread = unread_bytes(fd);
    if (!unread || std::chrono::steady_clock::now() >= deadline) {
      return;
    }
    if (*unread == 0) {
      std::this_thread::sleep_for(settle);
      return;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(1000));
  }
}

constexpr std::chrono::milliseconds longest_wait_for_reader{200};

}  // namespace

void stdio_transport::run(const std::function<void(std::string)>& on_line,
                          const std::function<void()>& on_oversized) {
  line_framer framer(max_line_);
  char chunk[64 * 1024];
  for (;;) {
    // read(), not stdio's buffered reads: a line is handled as soon as it arrives.
    auto n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    framer.feed(std::string_view(chunk, static_cast<size_t>(n)), on_line, on_oversized);
  }
}

void stdio_transport::write_line(const std::string& message) {
  write_message(message, frame_role::other);
}

void stdio_transport::write_message(const std::string& message, frame_role role) {
  std::lock_guard<std::mutex> guard(write_mutex_);
  if (role == frame_role::answer && notes_unread_) {
    wait_until_read(fileno(stdout), longest_wait_for_reader);
    notes_unread_ = false;
  }
  notes_unread_ = notes_unread_ || role == frame_role::note;
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
    b->drain_messages(*gen, [&self](const std::string& line, frame_role role) {
      self->write_message(line, role);
    });
  });
}

}  // namespace mcprt::transport
