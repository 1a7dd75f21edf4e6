// The syscall floor of fan-out on this machine: a bare loop that writes fixed-size messages to N
// loopback TCP sockets at a fixed rate per socket, K messages per write(), while a child process
// drains them with epoll. It prints the writer's CPU per delivered message: what any server's
// fan-out costs at least, because loopback charges the reader's wake-up to the writer. Each
// message carries the time its round began, and the reader prints how long after that it read
// it: the latency of a fan-out round written by one thread, before any server logic.
// With --threads T, T writer threads share the sockets (as T I/O threads would); with
// --readers R, R reader threads do, each with its own epoll (every delivery's wake-up goes
// through its reader's epoll and that epoll's lock: with one reader, all of them through one).
// With --reader-cpu C the reader process runs on CPU C only (the writer runs where it was
// started, e.g. under taskset): on one box the kernel otherwise often wakes a reader on its
// writer's CPU, and the two take turns on one core while the other idles.
// Usage: mcprt-floor [--sockets N] [--rate PER_SOCKET_PER_S] [--batch K] [--bytes B]
//                    [--duration S] [--threads T] [--readers R] [--reader-cpu C]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
  int sockets = 1000;
  double rate = 100;  // Messages per socket per second.
  int batch = 1;      // Messages per write().
  int bytes = 150;
  double duration = 5;
  int threads = 1;
  int readers = 1;
  int reader_cpu = -1;  // -1: wherever the kernel puts it.
};

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(2);
}

double cpu_seconds(int who = RUSAGE_SELF) {
  rusage u{};
  getrusage(who, &u);
  auto s = [](timeval t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch())
      .count();
}

// The reader's side of the latency: each message of `bytes` begins with its round's start
// (steady clock, nanoseconds; parent and child share the clock).
class latency_log {
 public:
  explicit latency_log(int bytes) : bytes_(static_cast<size_t>(bytes)) {}

  // `r` bytes read at `at` from a socket whose stream was at `pos`; advances `pos`.
  void read(const char* data, size_t r, size_t& pos, int64_t at) {
    auto first = (pos + bytes_ - 1) / bytes_ * bytes_;  // The first message start in range.
    for (auto start = first; start + sizeof(int64_t) <= pos + r; start += bytes_) {
      int64_t stamp = 0;
      std::memcpy(&stamp, data + (start - pos), sizeof stamp);
      samples_.push_back(at - stamp);
    }
    pos += r;  // A stamp split across two reads goes unmeasured.
  }

  void merge(const latency_log& other) {
    samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
    cpu_ += other.cpu_;
  }

  /// CPU seconds a reader thread spent reading (its connects not counted).
  void add_cpu(double seconds) { cpu_ += seconds; }

  void print() {
    if (samples_.empty() || bytes_ < sizeof(int64_t)) {
      return;
    }
    std::sort(samples_.begin(), samples_.end());
    auto at = [&](double q) {
      auto i = static_cast<size_t>(q * static_cast<double>(samples_.size() - 1));
      return static_cast<double>(samples_[i]) / 1000.0;
    };
    std::printf("latency    p50 %.0f  p99 %.0f  max %.0f us  (%zu messages, round start to read)\n",
                at(0.5), at(0.99), at(1.0), samples_.size());
    // On one box the reader's CPU is taken from the writer's cores: a round of N messages needs
    // N times both sides' CPU per message before it has all been read.
    std::printf("reader     %.2f CPU s (%.2f us/message)\n", cpu_,
                cpu_ * 1e6 / static_cast<double>(samples_.size()));
  }

 private:
  size_t bytes_;
  std::vector<int64_t> samples_;
  double cpu_ = 0;
};

// One reader: connects `n` sockets to `port` and reads everything until the writer closes them.
// The process holds at most `total` sockets.
void read_part(uint16_t port, int n, int total, latency_log& log) {
  int ep = epoll_create1(0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < n; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      die("reader connect");
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  std::vector<char> buf(1 << 16);
  std::vector<epoll_event> events(256);
  std::vector<size_t> pos(static_cast<size_t>(total) + 1024);  // Stream offset by descriptor.
  const double cpu_start = cpu_seconds(RUSAGE_THREAD);
  int open = n;
  while (open > 0) {
    int k = epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < k; ++i) {
      int fd = events[i].data.fd;
      auto r = read(fd, buf.data(), buf.size());
      if (r <= 0) {
        close(fd);
        --open;
      } else if (static_cast<size_t>(fd) < pos.size()) {
        log.read(buf.data(), static_cast<size_t>(r), pos[static_cast<size_t>(fd)], now_ns());
      }
    }
  }
  log.add_cpu(cpu_seconds(RUSAGE_THREAD) - cpu_start);
  close(ep);
}

// The child: `readers` threads share the `n` sockets; their latencies are printed together.
[[noreturn]] void drain(uint16_t port, int n, int bytes, int readers) {
  std::vector<latency_log> logs(static_cast<size_t>(readers), latency_log(bytes));
  std::vector<std::thread> threads;
  for (int t = 0; t < readers; ++t) {
    int share = n / readers + (t < n % readers ? 1 : 0);
    threads.emplace_back(
        [&, t, share] { read_part(port, share, n, logs[static_cast<size_t>(t)]); });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (size_t t = 1; t < logs.size(); ++t) {
    logs[0].merge(logs[t]);
  }
  logs[0].print();
  std::exit(0);
}

struct write_counts {
  uint64_t delivered = 0;
  uint64_t short_writes = 0;
};

// One writer: every period, one write of `batch` messages (each `bytes` long, a JSON-RPC
// notification's size) to each of `fds`, back to back, until `end`.
write_counts write_rounds(const std::vector<int>& fds, const options& o,
                          clock_type::time_point start, clock_type::time_point end) {
  std::string payload(static_cast<size_t>(o.bytes) * static_cast<size_t>(o.batch), 'x');
  const auto period = std::chrono::duration_cast<clock_type::duration>(
      std::chrono::duration<double>(o.batch / o.rate));
  write_counts c;
  for (auto next = start; next < end; next += period) {
    std::this_thread::sleep_until(next);  // Paces the rounds (the rate), not a synchronisation.
    auto round_start = now_ns();
    for (size_t m = 0; o.bytes >= 8 && m < payload.size(); m += static_cast<size_t>(o.bytes)) {
      std::memcpy(payload.data() + m, &round_start, sizeof round_start);
    }
    for (int fd : fds) {
      auto w = send(fd, payload.data(), payload.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (w == static_cast<ssize_t>(payload.size())) {
        c.delivered += static_cast<uint64_t>(o.batch);
      } else {
        ++c.short_writes;  // The reader is behind; the floor counts only whole writes.
      }
    }
  }
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    double v = std::atof(argv[i + 1]);
    if (a == "--sockets") {
      o.sockets = static_cast<int>(v);
    } else if (a == "--rate") {
      o.rate = v;
    } else if (a == "--batch") {
      o.batch = static_cast<int>(v);
    } else if (a == "--bytes") {
      o.bytes = static_cast<int>(v);
    } else if (a == "--duration") {
      o.duration = v;
    } else if (a == "--threads") {
      o.threads = static_cast<int>(v);
    } else if (a == "--readers") {
      o.readers = static_cast<int>(v);
    } else if (a == "--reader-cpu") {
      o.reader_cpu = static_cast<int>(v);
    } else {
      std::fprintf(stderr, "mcprt-floor: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (o.sockets < 1 || o.rate <= 0 || o.batch < 1 || o.bytes < 1 || o.duration <= 0 ||
      o.threads < 1 || o.readers < 1 || o.reader_cpu < -1 || o.reader_cpu >= CPU_SETSIZE) {
    std::fprintf(stderr,
                 "mcprt-floor: --sockets, --rate, --batch, --bytes, --duration, --threads, "
                 "--readers > 0; --reader-cpu a CPU number\n");
    return 2;
  }
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listener, 4096) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    die("listen");
  }
  // The reader says it has started (its CPU set, if asked) before the writer waits for its
  // connections: a reader that failed must not leave the writer waiting for ever.
  int started[2];
  if (pipe(started) != 0) {
    die("pipe");
  }
  pid_t child = fork();
  if (child == 0) {
    close(listener);
    close(started[0]);
    if (o.reader_cpu >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(o.reader_cpu, &set);
      if (sched_setaffinity(0, sizeof set, &set) != 0) {
        die("reader sched_setaffinity");
      }
    }
    if (write(started[1], "s", 1) != 1) {
      die("reader start");
    }
    close(started[1]);
    drain(ntohs(addr.sin_port), o.sockets, o.bytes, o.readers);
  }
  close(started[1]);
  char started_byte = 0;
  if (read(started[0], &started_byte, 1) != 1) {
    std::fprintf(stderr, "mcprt-floor: the reader did not start\n");
    waitpid(child, nullptr, 0);
    return 2;
  }
  close(started[0]);
  std::vector<int> fds;
  for (int i = 0; i < o.sockets; ++i) {
    int fd = accept(listener, nullptr, nullptr);
    if (fd < 0) {
      die("accept");
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fds.push_back(fd);
  }
  uint64_t delivered = 0;
  uint64_t short_writes = 0;
  const double cpu_start = cpu_seconds();
  const auto start = clock_type::now();
  const auto end = start + std::chrono::duration_cast<clock_type::duration>(
                               std::chrono::duration<double>(o.duration));
  std::vector<write_counts> counts(static_cast<size_t>(o.threads));
  std::vector<std::thread> writers;
  for (size_t t = 0; t < counts.size(); ++t) {
    writers.emplace_back([&, t] {
      // Thread t writes sockets t, t + T, t + 2T, ...
      std::vector<int> mine;
      for (size_t i = t; i < fds.size(); i += counts.size()) {
        mine.push_back(fds[i]);
      }
      counts[t] = write_rounds(mine, o, start, end);
    });
  }
  for (auto& w : writers) {
    w.join();
  }
  for (const auto& c : counts) {
    delivered += c.delivered;
    short_writes += c.short_writes;
  }
  const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  const double cpu = cpu_seconds() - cpu_start;
  for (int fd : fds) {
    close(fd);
  }
  int status = 0;
  waitpid(child, &status, 0);
  std::printf("sockets %d  rate %.0f/s each  batch %d  bytes %d  writer threads %d  readers %d\n",
              o.sockets, o.rate, o.batch, o.bytes, o.threads, o.readers);
  std::printf("delivered  %.0f messages/s  (%llu in %.1f s; %llu writes fell short)\n",
              static_cast<double>(delivered) / seconds, static_cast<unsigned long long>(delivered),
              seconds, static_cast<unsigned long long>(short_writes));
  std::printf("writer     %.2f CPU s (%.2f us/delivery)\n", cpu,
              delivered > 0 ? cpu * 1e6 / static_cast<double>(delivered) : 0.0);
  return delivered > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
