// The floor of an adapter pool's round trip on this machine: a parent writes one line to a
// child process's stdin pipe and waits for the child to write it back on its stdout pipe, as a
// pool writes a call to a worker and reads the answer, with no MCP and no JSON. It prints the
// round trip's percentiles: what a pool call costs at least over an in-process call.
// Usage: mcprt-pipe-floor [--calls N] [--bytes B] [--gap-us U]
//   --gap-us: pause between calls (a client's think time); 0 = back to back, like a closed
//   loop of one connection.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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
  int calls = 20000;
  int bytes = 200;  // About a small tools/call line.
  int gap_us = 0;
};

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    int value = std::atoi(argv[i + 1]);
    if (flag == "--calls") {
      o.calls = std::max(1, value);
    } else if (flag == "--bytes") {
      o.bytes = std::max(2, value);
    } else if (flag == "--gap-us") {
      o.gap_us = std::max(0, value);
    } else {
      std::fprintf(stderr, "usage: mcprt-pipe-floor [--calls N] [--bytes B] [--gap-us U]\n");
      std::exit(2);
    }
  }
  return o;
}

// The child: copies each line from stdin to stdout until stdin closes.
[[noreturn]] void echo_lines(int in, int out) {
  std::vector<char> buf(1 << 16);
  for (;;) {
    auto n = read(in, buf.data(), buf.size());
    if (n <= 0) {
      _exit(0);
    }
    for (ssize_t done = 0; done < n;) {
      auto w = write(out, buf.data() + done, static_cast<size_t>(n - done));
      if (w <= 0) {
        _exit(1);
      }
      done += w;
    }
  }
}

// Reads until `want` bytes ending in a newline arrived.
void read_line(int fd, std::vector<char>& buf, size_t want) {
  size_t got = 0;
  while (got < want) {
    auto n = read(fd, buf.data() + got, buf.size() - got);
    if (n <= 0) {
      die("read");
    }
    got += static_cast<size_t>(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto o = parse(argc, argv);
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) {
    die("pipe");
  }
  pid_t child = fork();
  if (child < 0) {
    die("fork");
  }
  if (child == 0) {
    close(to_child[1]);
    close(from_child[0]);
    echo_lines(to_child[0], from_child[1]);
  }
  close(to_child[0]);
  close(from_child[1]);
  std::string line(static_cast<size_t>(o.bytes) - 1, 'x');
  line += '\n';
  std::vector<char> buf(line.size() + 1);
  std::vector<double> us;
  us.reserve(static_cast<size_t>(o.calls));
  for (int i = 0; i < o.calls; ++i) {
    auto t0 = clock_type::now();
    if (write(to_child[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      die("write");
    }
    read_line(from_child[0], buf, line.size());
    us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
    if (o.gap_us > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(o.gap_us));
    }
  }
  close(to_child[1]);
  waitpid(child, nullptr, 0);
  std::sort(us.begin(), us.end());
  auto at = [&](double q) {
    return us[static_cast<size_t>(q * static_cast<double>(us.size() - 1))];
  };
  std::printf("pipe round trip (%d calls, %d bytes, gap %d us): p50 %.1f  p90 %.1f  p99 %.1f us\n",
              o.calls, o.bytes, o.gap_us, at(0.5), at(0.9), at(0.99));
  return 0;
}
