// Database: one SQLite connection (WAL, foreign keys on) with a cache of
// prepared statements, and Statement/Transaction helpers for repositories.
// The store's writer opens it read-write; its readers (read_connection_pool.h)
// open it read-only (PRAGMA query_only).
//
// Thread safety: a Database is used by one thread at a time; Store (store.h)
// serialises the writer with its mutex and lends each reader to one Read. Errors inside the store
// layer are thrown as StoreError and converted to absl::Status by Store before they leave it.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gureum::controller {

class StoreError : public std::runtime_error {
 public:
  StoreError(int sqlite_code, const std::string& what)
      : std::runtime_error(what), sqlite_code_(sqlite_code) {}
  int sqlite_code() const { return sqlite_code_; }

 private:
  int sqlite_code_;
};

// A prepared statement, reset and cleared by the cache on each use.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);

  // Advances; true while a row is available.
  bool Step();
  // Runs a statement that returns no rows.
  void Run();

  int64_t Int(int column) const;
  std::string Text(int column) const;
  // The column's text without a copy: valid until the next Step or reset.
  std::string_view TextView(int column) const;
  std::string_view BlobView(int column) const;
  std::string Blob(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  enum class Access { kReadWrite, kReadOnly };

  // Opens (creating if needed) the file at `path`; ":memory:" for tests.
  // kReadOnly needs an existing WAL database (the writer's) and refuses
  // every write (PRAGMA query_only).
  explicit Database(const std::string& path, Access access = Access::kReadWrite);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // A cached prepared statement for `sql`, reset and with bindings cleared.
  Statement Prepare(const std::string& sql);
  // Runs one or more statements without results (DDL, pragmas).
  void Exec(const std::string& sql);

  // Resets every statement still in progress (stepped but not to its end),
  // so that none keeps a read transaction open.
  void ResetStatements();

  int64_t LastInsertRowId() const;
  int Changes() const;
  // Virtual-machine steps run by this connection's cached statements since
  // the last call (SQLITE_STMTSTATUS_VM_STEP): the work of the queries, which
  // grows with the rows they read, so a query that should use an index and
  // reads the whole table instead shows up here.
  int64_t TakeVmSteps();
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// BEGIN ... COMMIT of a reader: the statements between them see one snapshot
// of the database, the one of the first statement. Ends (releasing the
// snapshot) when destroyed.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Database& db_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back if destroyed uncommitted.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace gureum::controller
