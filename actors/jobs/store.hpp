// The durable record of long-running jobs (issue 5): every state change of a job is written
// to an embedded SQLite database (WAL) before it is acknowledged. Writes of concurrent jobs
// share commits (group commit on one writer thread), so durability does not cap throughput.
// After a restart, finished results are still there and unfinished work reads as failed,
// "interrupted by restart".
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "runtime/codec/expected.hpp"

struct sqlite3;

namespace mcprt::actors::jobs {

/// Where a job is in its life.
enum class job_state { queued, running, input_required, completed, failed, cancelled, expired };

/// The state's wire name ("queued", ...), and back.
std::string_view to_string(job_state s);
std::optional<job_state> parse_job_state(std::string_view text);

/// True once a job can change no more.
constexpr bool is_final(job_state s) {
  return s != job_state::queued && s != job_state::running && s != job_state::input_required;
}

/// One job as stored.
struct job_record {
  std::string id;     ///< 128-bit random, hex.
  std::string owner;  ///< Who may see it (a session id, later a principal); empty: anyone.
  std::string tool;
  job_state state = job_state::queued;
  double progress = 0;
  std::optional<double> total;
  std::string message;  ///< Latest status or progress message.
  /// Once completed: the result object. Once failed, cancelled or expired: the JSON-RPC error
  /// object ({code, message}) the request ends with.
  std::string result_json;
  std::string idempotency_key;  ///< The client's key, or empty.
  int64_t created_ms = 0;       ///< Unix time.
  int64_t updated_ms = 0;
  int64_t ttl_ms = 0;  ///< Kept this long after it ends; 0: forever.
};

/// The SQLite-backed store. Thread-safe.
class job_store {
 public:
  /// Called once a write is durable (`ok`), or with the reason it is not.
  using on_durable = std::function<void(bool ok, const std::string& error)>;

  /// Opens (or creates) the database at `path` (":memory:" for tests) and marks every job
  /// that was queued or running as failed, "interrupted by restart". Returns the store, or a
  /// one-line reason it cannot be used (unreadable, corrupt, locked).
  /// `max_bytes` > 0 caps the file (jobs.maxStoreMb): writes past it fail as on a full disk.
  static expected<std::unique_ptr<job_store>, std::string> open(const std::string& path,
                                                                int64_t max_bytes = 0);
  ~job_store();
  job_store(const job_store&) = delete;
  job_store& operator=(const job_store&) = delete;

  /// Inserts or replaces a job's record; `done` runs on the writer thread after the commit
  /// that holds it.
  void put(job_record record, on_durable done = {});
  /// Waits until every write queued so far is committed (tests, shutdown).
  void flush();

  /// The job with this id, if stored.
  std::optional<job_record> get(const std::string& id);
  /// Jobs of `owner` (all when empty), newest first, at most `limit`.
  std::vector<job_record> list(const std::string& owner, size_t limit);
  /// The job `owner` started with this idempotency key, if any.
  std::optional<job_record> find_by_key(const std::string& owner, const std::string& key);
  /// Deletes finished jobs whose TTL has passed at `now_ms`; returns how many.
  size_t sweep(int64_t now_ms);

  /// Commits so far and the writes they held (for the group-commit benchmark).
  uint64_t commits() const;
  uint64_t writes() const;

 private:
  explicit job_store(sqlite3* db);
  void writer_loop();
  std::optional<job_record> read_one(const char* sql, const std::vector<std::string>& args);

  sqlite3* db_;
  std::mutex db_mutex_;  // Readers and the writer share one connection.
  mutable std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::condition_variable flushed_cv_;
  std::deque<std::pair<job_record, on_durable>> queue_;
  uint64_t queued_ = 0, committed_ = 0;
  uint64_t commits_ = 0;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace mcprt::actors::jobs
