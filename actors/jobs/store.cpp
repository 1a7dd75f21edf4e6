// SQLite in WAL mode with synchronous=FULL, so "written before acknowledged" holds across a
// crash or power loss; group commit on one writer thread pays for the fsyncs.
#include "actors/jobs/store.hpp"

#include <sqlite3.h>

#include <array>

namespace mcprt::actors::jobs {

namespace {

constexpr std::array<std::string_view, 7> state_names = {
    "queued", "running", "input_required", "completed", "failed", "cancelled", "expired"};

constexpr const char* schema = R"(
  CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    tool TEXT NOT NULL,
    state TEXT NOT NULL,
    progress REAL NOT NULL,
    total REAL,
    message TEXT NOT NULL,
    result TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    ttl_ms INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS jobs_owner ON jobs(owner, created_ms);
  CREATE INDEX IF NOT EXISTS jobs_key ON jobs(owner, idem_key) WHERE idem_key <> '';
)";

constexpr const char* columns =
    "id, owner, tool, state, progress, total, message, result, idem_key, created_ms, updated_ms, "
    "ttl_ms";

// A prepared statement that finalizes itself.
class statement {
 public:
  statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~statement() { sqlite3_finalize(stmt_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }
  explicit operator bool() const { return stmt_ != nullptr; }
  void text(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

std::string column_text(sqlite3_stmt* s, int i) {
  const auto* p = sqlite3_column_text(s, i);
  return p != nullptr ? std::string(reinterpret_cast<const char*>(p),
                                    static_cast<size_t>(sqlite3_column_bytes(s, i)))
                      : std::string();
}

job_record row_of(sqlite3_stmt* s) {
  job_record r;
  r.id = column_text(s, 0);
  r.owner = column_text(s, 1);
  r.tool = column_text(s, 2);
  r.state = parse_job_state(column_text(s, 3)).value_or(job_state::failed);
  r.progress = sqlite3_column_double(s, 4);
  if (sqlite3_column_type(s, 5) != SQLITE_NULL) {
    r.total = sqlite3_column_double(s, 5);
  }
  r.message = column_text(s, 6);
  r.result_json = column_text(s, 7);
  r.idempotency_key = column_text(s, 8);
  r.created_ms = sqlite3_column_int64(s, 9);
  r.updated_ms = sqlite3_column_int64(s, 10);
  r.ttl_ms = sqlite3_column_int64(s, 11);
  return r;
}

bool exec(sqlite3* db, const char* sql, std::string& error) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    error = message != nullptr ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    return false;
  }
  return true;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string_view to_string(job_state s) {
  return state_names[static_cast<size_t>(s)];
}

std::optional<job_state> parse_job_state(std::string_view text) {
  for (size_t i = 0; i < state_names.size(); ++i) {
    if (state_names[i] == text) {
      return static_cast<job_state>(i);
    }
  }
  return std::nullopt;
}

expected<std::unique_ptr<job_store>, std::string> job_store::open(const std::string& path,
                                                                  int64_t max_bytes) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string why = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return "cannot open job store '" + path + "': " + why;
  }
  sqlite3_busy_timeout(db, 2000);  // Another process holding the file: wait a little, then say so.
  std::string error;
  // The schema check reads the file: a corrupt or foreign file fails here, at start-up. The
  // lock is exclusive: a second process on the same file would mark this one's running jobs
  // "interrupted by restart".
  if (!exec(db, "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            error) ||
      !exec(db, schema, error)) {
    sqlite3_close(db);
    if (error.find("locked") != std::string::npos) {
      error += " (another process, perhaps a second mcprt, holds it; give each its own file)";
    }
    return "cannot use job store '" + path + "': " + error;
  }
  if (max_bytes > 0) {
    // Page size is 4096 unless the file says otherwise; a cap below the current size holds at
    // the current size (SQLite never shrinks max_page_count below the page count).
    auto pages = std::max<int64_t>(1, max_bytes / 4096);
    exec(db, ("PRAGMA max_page_count=" + std::to_string(pages) + ";").c_str(), error);
  }
  // Work that was in progress when the process stopped will not finish: say so.
  statement mark(db,
                 "UPDATE jobs SET state='failed', message='interrupted by restart', "
                 "result='{\"code\":-32603,\"message\":\"interrupted by restart\"}', "
                 "updated_ms=? WHERE state IN ('queued','running','input_required')");
  if (!mark) {
    error = sqlite3_errmsg(db);
    sqlite3_close(db);
    return "cannot use job store '" + path + "': " + error;
  }
  sqlite3_bind_int64(mark.get(), 1, now_ms());
  if (sqlite3_step(mark.get()) != SQLITE_DONE) {
    error = sqlite3_errmsg(db);
    sqlite3_close(db);
    return "cannot use job store '" + path + "': " + error;
  }
  return std::unique_ptr<job_store>(new job_store(db));
}

job_store::job_store(sqlite3* db) : db_(db), writer_([this] { writer_loop(); }) {}

job_store::~job_store() {
  {
    std::lock_guard<std::mutex> g(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  writer_.join();
  sqlite3_close(db_);
}

void job_store::put(job_record record, on_durable done) {
  {
    std::lock_guard<std::mutex> g(queue_mutex_);
    queue_.emplace_back(std::move(record), std::move(done));
    ++queued_;
  }
  queue_cv_.notify_one();
}

void job_store::flush() {
  std::unique_lock<std::mutex> l(queue_mutex_);
  auto target = queued_;
  flushed_cv_.wait(l, [&] { return committed_ >= target; });
}

// Takes everything queued, writes it in one transaction, then reports each write.
void job_store::writer_loop() {
  for (;;) {
    std::deque<std::pair<job_record, on_durable>> batch;
    {
      std::unique_lock<std::mutex> l(queue_mutex_);
      queue_cv_.wait(l, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) {
        return;
      }
      batch.swap(queue_);
    }
    std::string error;
    bool ok = true;
    {
      std::lock_guard<std::mutex> g(db_mutex_);
      ok = exec(db_, "BEGIN IMMEDIATE", error);
      if (ok) {
        statement insert(db_, (std::string("INSERT OR REPLACE INTO jobs (") + columns +
                               ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
                                  .c_str());
        for (auto& [r, _] : batch) {
          insert.text(1, r.id);
          insert.text(2, r.owner);
          insert.text(3, r.tool);
          insert.text(4, std::string(to_string(r.state)));
          sqlite3_bind_double(insert.get(), 5, r.progress);
          if (r.total) {
            sqlite3_bind_double(insert.get(), 6, *r.total);
          } else {
            sqlite3_bind_null(insert.get(), 6);
          }
          insert.text(7, r.message);
          insert.text(8, r.result_json);
          insert.text(9, r.idempotency_key);
          sqlite3_bind_int64(insert.get(), 10, r.created_ms);
          sqlite3_bind_int64(insert.get(), 11, r.updated_ms);
          sqlite3_bind_int64(insert.get(), 12, r.ttl_ms);
          if (sqlite3_step(insert.get()) != SQLITE_DONE) {
            ok = false;
            error = sqlite3_errmsg(db_);  // A full disk shows here: every write of it fails.
            break;
          }
          sqlite3_reset(insert.get());
        }
        std::string end_error;
        if (!exec(db_, ok ? "COMMIT" : "ROLLBACK", end_error) && ok) {
          ok = false;
          error = end_error;
        }
      }
    }
    for (auto& [r, done] : batch) {
      if (done) {
        done(ok, error);
      }
    }
    {
      std::lock_guard<std::mutex> g(queue_mutex_);
      committed_ += batch.size();
      ++commits_;
    }
    flushed_cv_.notify_all();
  }
}

std::optional<job_record> job_store::read_one(const char* sql,
                                              const std::vector<std::string>& args) {
  std::lock_guard<std::mutex> g(db_mutex_);
  statement s(db_, sql);
  for (size_t i = 0; i < args.size(); ++i) {
    s.text(static_cast<int>(i + 1), args[i]);
  }
  if (s && sqlite3_step(s.get()) == SQLITE_ROW) {
    return row_of(s.get());
  }
  return std::nullopt;
}

std::optional<job_record> job_store::get(const std::string& id) {
  static const std::string sql = std::string("SELECT ") + columns + " FROM jobs WHERE id=?";
  return read_one(sql.c_str(), {id});
}

std::optional<job_record> job_store::find_by_key(const std::string& owner, const std::string& key) {
  static const std::string sql =
      std::string("SELECT ") + columns + " FROM jobs WHERE owner=? AND idem_key=? AND idem_key<>''";
  return read_one(sql.c_str(), {owner, key});
}

std::vector<job_record> job_store::list(const std::string& owner, size_t limit) {
  static const std::string all =
      std::string("SELECT ") + columns + " FROM jobs ORDER BY created_ms DESC, id LIMIT ?";
  static const std::string mine = std::string("SELECT ") + columns +
                                  " FROM jobs WHERE owner=? ORDER BY created_ms DESC, id LIMIT ?";
  std::lock_guard<std::mutex> g(db_mutex_);
  statement s(db_, owner.empty() ? all.c_str() : mine.c_str());
  int i = 1;
  if (!owner.empty()) {
    s.text(i++, owner);
  }
  sqlite3_bind_int64(s.get(), i, static_cast<int64_t>(limit));
  std::vector<job_record> out;
  while (s && sqlite3_step(s.get()) == SQLITE_ROW) {
    out.push_back(row_of(s.get()));
  }
  return out;
}

size_t job_store::sweep(int64_t now) {
  std::lock_guard<std::mutex> g(db_mutex_);
  statement s(db_,
              "DELETE FROM jobs WHERE ttl_ms > 0 AND "
              "state NOT IN ('queued','running','input_required') "
              "AND updated_ms + ttl_ms <= ?");
  sqlite3_bind_int64(s.get(), 1, now);
  if (!s || sqlite3_step(s.get()) != SQLITE_DONE) {
    return 0;
  }
  return static_cast<size_t>(sqlite3_changes(db_));
}

uint64_t job_store::commits() const {
  std::lock_guard<std::mutex> g(queue_mutex_);
  return commits_;
}

uint64_t job_store::writes() const {
  std::lock_guard<std::mutex> g(queue_mutex_);
  return committed_;
}

}  // namespace mcprt::actors::jobs
