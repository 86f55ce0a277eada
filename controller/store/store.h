// Store: the controller's single SQLite database and the one place state is
// written. Every Write runs its function inside one BEGIN IMMEDIATE
// transaction: it commits only if the function returns OK, so a state change
// and its event, claims and idempotency record land together or not at all.
//
// Thread-safe: one mutex serialises the writer (SQLite has one writer
// anyway). Reads do not take it: each Read borrows a read-only connection of
// its own (read_connection_pool.h) and runs in one read transaction, so it
// sees one consistent snapshot that holds every Write returned before it
// began, and never waits for a group commit. StoreError thrown by
// repositories is turned into absl::InternalError here and never leaves the
// store.
//
// Group commit: Writes are queued for the store's writer thread, which takes
// everything queued while its last group ran into ONE transaction, each
// function inside its own SAVEPOINT (rolled back alone when it fails). Every
// caller still sees its function run alone against the effects of the ones
// before it, and returns only after the shared COMMIT is durable. A commit
// costs one fsync (synchronous=FULL); sharing it between concurrent writers
// is what lets launches, agent reports and terminations keep up with each
// other (docs/benchmarks.md). If the COMMIT itself fails, every function of
// the group gets the error, as none of them is stored. One thread of its own
// runs the groups back to back: handing the writer's role from one caller's
// thread to the next cost a wake-up and a wait for a core between groups.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "controller/store/checkpointer.h"
#include "controller/store/database.h"
#include "controller/store/read_connection_pool.h"
#include "controller/store/repositories.h"

namespace gureum::controller {

class Store {
 public:
  // Read connections a Store opens (all at Open): a Read beyond these
  // waits for one. The controller runs on few cores; more would only add
  // page caches.
  static constexpr int kDefaultReadConnections = 4;

  // Opens the database at `path` and applies migrations. ":memory:" (tests)
  // has no file to share, so there Reads use the writer's connection and
  // mutex.
  static absl::StatusOr<std::unique_ptr<Store>> Open(
      const std::string& path, int read_connections = kDefaultReadConnections);

  // Runs fn(Repositories&) in one write transaction. fn returns absl::Status
  // or absl::StatusOr<T>; the transaction commits only when it is OK.
  template <typename Fn>
  auto Write(Fn&& fn) -> std::invoke_result_t<Fn, Repositories&> {
    using Result = std::invoke_result_t<Fn, Repositories&>;
    std::optional<Result> result;
    WriteJob job;
    job.run = [&](Repositories& repos) {
      result.emplace(fn(repos));
      return result->ok();
    };
    job.fail = [&](const absl::Status& status) { result.emplace(status); };
    RunGrouped(job);
    return std::move(*result);
  }

  // Runs fn(Repositories&) in one read transaction on a read-only
  // connection: a consistent snapshot holding every Write that returned
  // before. fn must not write (the connection refuses it: InternalError).
  template <typename Fn>
  auto Read(Fn&& fn) -> std::invoke_result_t<Fn, Repositories&> {
    try {
      if (!readers_) {
        std::lock_guard lock(mutex_);
        return fn(repos_);
      }
      ReadConnectionPool::Lease lease = readers_->Acquire();
      ReadTransaction tx(lease.db());
      return fn(lease.repos());
    } catch (const StoreError& e) {
      return absl::InternalError(std::string("store: ") + e.what());
    }
  }

  // Bumped after every commit that changed projects, users, role bindings
  // or access keys, before its Write returns: what Authenticator's cache of
  // access keys compares to know it is current. Read it BEFORE reading what
  // it guards, so a change committed meanwhile is never cached as current.
  uint64_t identity_generation() const {
    return identity_generation_.load(std::memory_order_acquire);
  }

  // Online backup to `path` with SQLite's backup API.
  absl::Status Backup(const std::string& path);

  // Stops the writer thread once every queued Write is done.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

 private:
  // One Write, type-erased: run() returns whether to keep its changes (and
  // may throw StoreError); fail() replaces its result with an error.
  struct WriteJob {
    std::function<bool(Repositories&)> run;
    std::function<void(const absl::Status&)> fail;
    bool done = false;                // guarded by queue_mutex_
    std::condition_variable done_cv;  // signalled once done is set
  };

  explicit Store(const std::string& path) : db_(path), repos_(db_) {}
  // sqlite3_update_hook of the writer: notes changes to identity tables.
  static void OnRowChange(void* store, int op, const char* database, const char* table,
                          sqlite3_int64 rowid);
  // Queues the job and returns once a group holding it has committed (or failed).
  void RunGrouped(WriteJob& job);
  // The writer thread: runs what is queued, group after group, until stopped.
  void WriterLoop();
  // Runs the jobs in one transaction; needs mutex_.
  void RunGroup(const std::vector<WriteJob*>& group);

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;  // signalled when the queue fills or on stop
  std::vector<WriteJob*> queue_;      // guarded by queue_mutex_
  bool stopping_ = false;             // guarded by queue_mutex_

  std::mutex mutex_;
  Database db_;                    // guarded by mutex_
  Repositories repos_;             // guarded by mutex_
  bool identity_changed_ = false;  // guarded by mutex_
  std::atomic<uint64_t> identity_generation_{0};

  std::unique_ptr<ReadConnectionPool> readers_;  // null for ":memory:"
  // Checkpoints the WAL off the writer's thread; null for ":memory:".
  // Declared after db_: it is stopped and unhooked before db_ closes.
  std::unique_ptr<Checkpointer> checkpointer_;
  // Runs the groups; started by Open, last to start and first to stop.
  std::thread writer_;
};

}  // namespace gureum::controller
