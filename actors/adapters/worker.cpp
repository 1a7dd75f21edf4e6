// posix_spawnp (no fork of a threaded server), non-blocking stdin whose leftovers a writer
// thread finishes, and blocking reads on the worker's own threads.
#include "actors/adapters/worker.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "actors/adapters/worker_env.hpp"

extern char** environ;

namespace mcprt::actors::adapters {

namespace {

// The server's own environment, as views into `environ`.
std::vector<std::string_view> server_environment() {
  std::vector<std::string_view> out;
  for (char** e = environ; *e != nullptr; ++e) {
    out.emplace_back(*e);
  }
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

std::string describe(int status) {
  if (WIFEXITED(status)) {
    return "exit status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    return "signal " + std::to_string(WTERMSIG(status));
  }
  return "status " + std::to_string(status);
}

}  // namespace

expected<std::unique_ptr<adapter_worker>, std::string> adapter_worker::spawn(
    const worker_command& cmd, worker_events events, std::chrono::milliseconds stall_after) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    return std::string("cannot create pipes: ") + std::strerror(errno);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  if (!cmd.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, cmd.cwd.c_str());
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The server blocks SIGTERM/SIGINT for sigwait; a worker must get the default dispositions.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> argv_s{cmd.command};
  argv_s.insert(argv_s.end(), cmd.args.begin(), cmd.args.end());
  auto env_s = worker_environment(server_environment(), cmd.inherit_env, cmd.env);
  auto argv = pointers(argv_s);
  auto envp = pointers(env_s);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, cmd.command.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  for (int fd : {in[0], out[1], err[1]}) {
    close(fd);
  }
  if (rc != 0) {
    for (int fd : {in[1], out[0], err[0]}) {
      close(fd);
    }
    return "cannot start '" + cmd.command + "'" + (cmd.cwd.empty() ? "" : " in '" + cmd.cwd + "'") +
           ": " + std::strerror(rc);
  }
  fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
  return std::unique_ptr<adapter_worker>(
      new adapter_worker(pid, in[1], out[0], err[0], std::move(events), stall_after));
}

adapter_worker::adapter_worker(pid_t pid, int in, int out, int err, worker_events events,
                               std::chrono::milliseconds stall_after)
    : pid_(pid), stdin_fd_(in), stall_after_(stall_after), events_(std::move(events)) {
  out_reader_ = std::thread([this, out] { read_lines(out, true); });
  err_reader_ = std::thread([this, err] { read_lines(err, false); });
  writer_ = std::thread([this] { write_later(); });
}

adapter_worker::~adapter_worker() {
  kill();  // Its end of stdin closes, so a writer waiting for pipe space wakes.
  {
    std::lock_guard<std::mutex> g(write_mutex_);
    closing_ = true;
  }
  unwritten_cv_.notify_all();
  writer_.join();
  close(stdin_fd_);
  // The owner destroys a worker outside its own lock: on_exit may still run during the join.
  for (auto* t : {&out_reader_, &err_reader_}) {
    if (t->get_id() == std::this_thread::get_id()) {
      t->detach();  // Its own reader retired it: the thread ends right after.
    } else {
      t->join();
    }
  }
}

void adapter_worker::kill() {
  if (!exited_.load()) {
    ::kill(pid_, SIGKILL);
  }
}

adapter_worker::send_result adapter_worker::send(std::string_view line) {
  std::lock_guard<std::mutex> g(write_mutex_);
  if (stdin_gone_ || exited_.load()) {
    return send_result::gone;
  }
  bool was_empty = unwritten_from_ == unwritten_.size();
  unwritten_.append(line);
  unwritten_ += '\n';
  if (!was_empty) {
    return send_result::sent;  // Behind what the writer thread is waiting to write.
  }
  if (!write_now()) {
    return send_result::gone;
  }
  if (unwritten_from_ < unwritten_.size()) {
    progress_at_ = std::chrono::steady_clock::now();  // A backlog begins: a stall counts from here.
    unwritten_cv_.notify_one();  // The pipe is full: the writer thread finishes the line.
  }
  return send_result::sent;
}

bool adapter_worker::write_now() {
  while (unwritten_from_ < unwritten_.size()) {
    auto n = ::write(stdin_fd_, unwritten_.data() + unwritten_from_,
                     unwritten_.size() - unwritten_from_);
    if (n > 0) {
      unwritten_from_ += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return true;
    } else {
      stdin_gone_ = true;  // EPIPE: nobody reads its stdin any more.
      unwritten_.clear();
      unwritten_from_ = 0;
      return false;
    }
  }
  unwritten_.clear();
  unwritten_from_ = 0;
  return true;
}

void adapter_worker::write_later() {
  std::unique_lock<std::mutex> lock(write_mutex_);
  bool stall_told = false;
  for (;;) {
    unwritten_cv_.wait(lock, [this] { return closing_ || unwritten_from_ < unwritten_.size(); });
    if (closing_) {
      return;
    }
    lock.unlock();
    pollfd p{stdin_fd_, POLLOUT, 0};
    poll(&p, 1, 50);  // The fd stays open until this thread is joined.
    lock.lock();
    if (closing_) {
      return;
    }
    auto left = unwritten_.size() - unwritten_from_;
    write_now();
    auto now = std::chrono::steady_clock::now();
    if (unwritten_.size() - unwritten_from_ < left) {
      progress_at_ = now;  // The worker read some.
    }
    if (!stall_told && unwritten_from_ < unwritten_.size() && now - progress_at_ >= stall_after_) {
      stall_told = true;
      auto unread = unwritten_.size() - unwritten_from_;
      lock.unlock();
      if (events_.on_stalled) {
        events_.on_stalled(unread);
      }
      lock.lock();
    }
  }
}

void adapter_worker::read_lines(int fd, bool is_stdout) {
  std::string buf;
  char chunk[65536];
  for (;;) {
    auto n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    buf.append(chunk, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl; (nl = buf.find('\n', start)) != std::string::npos; start = nl + 1) {
      auto line = buf.substr(start, nl - start);
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      if (line.empty()) {
        continue;
      }
      auto& sink = is_stdout ? events_.on_stdout : events_.on_stderr;
      if (sink) {
        sink(std::move(line));
      }
    }
    buf.erase(0, start);
  }
  close(fd);
  if (is_stdout) {
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    if (events_.on_exit) {
      events_.on_exit(describe(status));
    }
  }
}

}  // namespace mcprt::actors::adapters
