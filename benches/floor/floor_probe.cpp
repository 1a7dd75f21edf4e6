// The syscall floor of fan-out on this machine: a bare loop that writes fixed-size messages to N
// loopback TCP sockets at a fixed rate per socket, K messages per write(), while a child process
// drains them with epoll. It prints the writer's CPU per delivered message: what any server's
// fan-out costs at least, because loopback charges the reader's wake-up to the writer.
// Usage: mcprt-floor [--sockets N] [--rate PER_SOCKET_PER_S] [--batch K] [--bytes B]
//                    [--duration S]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
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
};

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(2);
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](timeval t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

// The child: connects `n` sockets to `port` and reads everything until the writer closes them.
[[noreturn]] void drain(uint16_t port, int n) {
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
  int open = n;
  while (open > 0) {
    int k = epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < k; ++i) {
      auto r = read(events[i].data.fd, buf.data(), buf.size());
      if (r <= 0) {
        close(events[i].data.fd);
        --open;
      }
    }
  }
  std::exit(0);
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
    } else {
      std::fprintf(stderr, "mcprt-floor: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (o.sockets < 1 || o.rate <= 0 || o.batch < 1 || o.bytes < 1 || o.duration <= 0) {
    std::fprintf(stderr, "mcprt-floor: --sockets, --rate, --batch, --bytes, --duration > 0\n");
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
  pid_t child = fork();
  if (child == 0) {
    close(listener);
    drain(ntohs(addr.sin_port), o.sockets);
  }
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
  // Each write carries `batch` messages of `bytes` (a JSON-RPC notification's size).
  const std::string payload(static_cast<size_t>(o.bytes) * static_cast<size_t>(o.batch), 'x');
  const auto period = std::chrono::duration_cast<clock_type::duration>(
      std::chrono::duration<double>(o.batch / o.rate));
  uint64_t delivered = 0;
  uint64_t short_writes = 0;
  const double cpu_start = cpu_seconds();
  const auto start = clock_type::now();
  const auto end = start + std::chrono::duration_cast<clock_type::duration>(
                               std::chrono::duration<double>(o.duration));
  for (auto next = start; next < end; next += period) {
    std::this_thread::sleep_until(next);  // Paces the rounds (the rate), not a synchronisation.
    for (int fd : fds) {
      auto w = send(fd, payload.data(), payload.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (w == static_cast<ssize_t>(payload.size())) {
        delivered += static_cast<uint64_t>(o.batch);
      } else {
        ++short_writes;  // The reader is behind; the floor counts only whole writes.
      }
    }
  }
  const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  const double cpu = cpu_seconds() - cpu_start;
  for (int fd : fds) {
    close(fd);
  }
  int status = 0;
  waitpid(child, &status, 0);
  std::printf("sockets %d  rate %.0f/s each  batch %d  bytes %d\n", o.sockets, o.rate, o.batch,
              o.bytes);
  std::printf("delivered  %.0f messages/s  (%llu in %.1f s; %llu writes fell short)\n",
              static_cast<double>(delivered) / seconds, static_cast<unsigned long long>(delivered),
              seconds, static_cast<unsigned long long>(short_writes));
  std::printf("writer     %.2f CPU s (%.2f us/delivery)\n", cpu,
              delivered > 0 ? cpu * 1e6 / static_cast<double>(delivered) : 0.0);
  return delivered > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
