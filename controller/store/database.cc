#include "controller/store/database.h"

namespace gureum::controller {
namespace {

void Check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw StoreError(rc, std::string(what) + ": " + sqlite3_errmsg(db));
  }
}

}  // namespace

Statement& Statement::Bind(int index, int64_t value) {
  Check(db_, sqlite3_bind_int64(stmt_, index, value), "bind");
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  Check(db_,
        sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT),
        "bind");
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  Check(db_,
        sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                          SQLITE_TRANSIENT),
        "bind");
  return *this;
}

Statement& Statement::BindNull(int index) {
  Check(db_, sqlite3_bind_null(stmt_, index), "bind");
  return *this;
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw StoreError(rc, std::string("step: ") + sqlite3_errmsg(db_) + " in " + sqlite3_sql(stmt_));
}

void Statement::Run() {
  while (Step()) {
  }
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const { return std::string(TextView(column)); }

std::string_view Statement::TextView(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string_view Statement::BlobView(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  if (data == nullptr) return {};
  return {static_cast<const char*>(data), static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string Statement::Blob(int column) const { return std::string(BlobView(column)); }

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Database::Database(const std::string& path, Access access) {
  // A reader opens the file read-write all the same: a WAL reader writes its
  // read marks to the shared-memory file; query_only keeps it from writing
  // the database.
  const int flags = access == Access::kReadWrite
                        ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(rc, "open " + path + ": " + message);
  }
  // Durability settings (docs/operations.md): WAL so readers never block the
  // writer, synchronous=FULL so an acknowledged commit survives power loss,
  // a busy timeout for the (rare) external reader such as a backup.
  sqlite3_busy_timeout(db_, 5000);
  if (access == Access::kReadOnly) {
    Exec("PRAGMA query_only=ON;");
    return;
  }
  Exec("PRAGMA journal_mode=WAL;");
  Exec("PRAGMA synchronous=FULL;");
  Exec("PRAGMA foreign_keys=ON;");
  // A page cache of 32 MiB (SQLite's default is 2 MiB): with 100,000
  // instances the tables and indexes a launch touches no longer fit in 2 MiB,
  // and re-reading evicted pages from the OS (pread + copy) was the largest
  // part of the controller's time when placing (docs/benchmarks.md).
  Exec("PRAGMA cache_size=-32768;");
  // Savepoint and statement journals in memory, not in temporary files: a
  // grouped write opens a savepoint per job (Store::RunGroup), and its
  // journal spilled to a new file on every group (pwrite into fresh page
  // cache was about a quarter of the writer's CPU when placing;
  // docs/benchmarks.md).
  Exec("PRAGMA temp_store=MEMORY;");
}

Database::~Database() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

int64_t Database::TakeVmSteps() {
  int64_t steps = 0;
  for (auto& [sql, stmt] : statements_) {
    steps += sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_VM_STEP, /*resetFlg=*/1);
  }
  return steps;
}

Statement Database::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      throw StoreError(rc, std::string("prepare: ") + sqlite3_errmsg(db_) + " in " + sql);
    }
    it = statements_.emplace(sql, stmt).first;
  }
  sqlite3_reset(it->second);
  sqlite3_clear_bindings(it->second);
  return Statement(db_, it->second);
}

void Database::Exec(const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw StoreError(rc, "exec: " + message);
  }
}

void Database::ResetStatements() {
  for (sqlite3_stmt* stmt = sqlite3_next_stmt(db_, nullptr); stmt != nullptr;
       stmt = sqlite3_next_stmt(db_, stmt)) {
    if (sqlite3_stmt_busy(stmt)) sqlite3_reset(stmt);
  }
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Database::Changes() const { return sqlite3_changes(db_); }

ReadTransaction::ReadTransaction(Database& db) : db_(db) { db_.Exec("BEGIN"); }

ReadTransaction::~ReadTransaction() {
  // A statement left in progress would keep this snapshot after COMMIT, and
  // the connection's next Read would not see writes committed since.
  db_.ResetStatements();
  for (const char* end : {"COMMIT", "ROLLBACK"}) {
    if (sqlite3_get_autocommit(db_.handle())) return;
    try {
      db_.Exec(end);
    } catch (const StoreError&) {
      // A read transaction has nothing to keep: try the next way to end it.
    }
  }
}

Transaction::Transaction(Database& db) : db_(db) { db_.Exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) {
    db_.ResetStatements();
    try {
      db_.Exec("ROLLBACK");
    } catch (const StoreError&) {
      // Nothing more to do: SQLite rolls back on its own when it cannot.
    }
  }
}

void Transaction::Commit() {
  // A statement left in progress (a point lookup stops after its row) keeps
  // the connection's read lock after COMMIT, at the WAL position where it
  // began: no checkpoint could copy frames past it, and the WAL grew without
  // end (1 GB within minutes of a 100,000-instance fill, every page read
  // searching its whole index).
  db_.ResetStatements();
  db_.Exec("COMMIT");
  done_ = true;
}

}  // namespace gureum::controller
