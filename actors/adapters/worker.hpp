// One worker subprocess of an adapter pool: spawned with pipes for stdin, stdout and stderr,
// read line by line on two threads, written to without ever blocking the writer (a third
// thread writes what the pipe did not take at once). Knows lines, not MCP (the pool speaks
// MCP over it).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "runtime/codec/expected.hpp"

namespace mcprt::actors::adapters {

/// How to start a worker.
struct worker_command {
  std::string command;  ///< Looked up on PATH when it has no '/'.
  std::vector<std::string> args;
  std::map<std::string, std::string> env;  ///< Set in its environment.
  std::string cwd;                         ///< Empty: the server's working directory.
  /// Names passed through from the server's environment besides the defaults (worker_env.hpp);
  /// nothing else of it reaches the worker.
  std::vector<std::string> inherit_env;
};

/// What a worker reports, from its reader threads.
struct worker_events {
  std::function<void(std::string line)> on_stdout;  ///< One line (a JSON-RPC message, or not).
  std::function<void(std::string line)> on_stderr;  ///< One line of its log.
  std::function<void(std::string how)> on_exit;     ///< It ended ("exit status 1", "signal 9").
  /// Input written to it stayed unread for the stall time (its pipe full): once per worker.
  std::function<void(size_t unread_bytes)> on_stalled;
};

class adapter_worker {
 public:
  /// Starts the process; a one-line reason when it cannot (missing binary, bad cwd).
  static expected<std::unique_ptr<adapter_worker>, std::string> spawn(
      const worker_command& cmd, worker_events events,
      std::chrono::milliseconds stall_after = std::chrono::seconds(1));
  /// Kills the process if it still runs and waits for the reader threads.
  ~adapter_worker();
  adapter_worker(const adapter_worker&) = delete;
  adapter_worker& operator=(const adapter_worker&) = delete;

  /// What became of a line written to the worker.
  enum class send_result {
    sent,  ///< In the pipe, or queued behind what is (a worker that stops reading: on_stalled).
    gone,  ///< Its stdin is closed (EPIPE): it exited, or is exiting; on_exit will say how.
  };

  /// Writes `line` and a newline to its stdin without waiting: the pool calls this under its
  /// lock, on a client's or a reader's thread. Callers that only notify may ignore the result:
  /// on_exit and the health check catch a dead worker.
  send_result send(std::string_view line);
  /// SIGKILL (a worker that does not answer); on_exit follows.
  void kill();
  pid_t pid() const { return pid_; }

 private:
  adapter_worker(pid_t pid, int in, int out, int err, worker_events events,
                 std::chrono::milliseconds stall_after);
  void read_lines(int fd, bool is_stdout);
  /// The writer thread: writes `unwritten_` as the pipe drains; reports a stall once.
  void write_later();
  /// Writes what the pipe takes now of `unwritten_` (under write_mutex_); false on EPIPE.
  bool write_now();

  pid_t pid_;
  int stdin_fd_;
  std::chrono::milliseconds stall_after_;
  std::mutex write_mutex_;
  std::condition_variable unwritten_cv_;
  std::string unwritten_;  // Under write_mutex_: what the pipe has not taken yet, in order.
  size_t unwritten_from_ = 0;
  // Under write_mutex_: when the current backlog began, or the pipe last took some of it.
  std::chrono::steady_clock::time_point progress_at_;
  bool closing_ = false, stdin_gone_ = false;  // Under write_mutex_.
  worker_events events_;
  std::atomic<bool> exited_{false};
  std::thread out_reader_, err_reader_, writer_;
};

}  // namespace mcprt::actors::adapters
