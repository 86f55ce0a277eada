#include "controller/store/store.h"

#include <cstring>

#include "controller/store/migrations.h"

namespace gureum::controller {

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path, int read_connections) {
  std::unique_ptr<Store> store;
  try {
    store.reset(new Store(path));
  } catch (const StoreError& e) {
    return absl::UnavailableError(e.what());
  }
  std::lock_guard lock(store->mutex_);
  if (absl::Status status = Migrate(store->db_); !status.ok()) return status;
  sqlite3_update_hook(store->db_.handle(), &Store::OnRowChange, store.get());
  if (!path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0) {
    store->readers_ = std::make_unique<ReadConnectionPool>(path, read_connections);
    try {
      store->readers_->OpenAll();
      store->checkpointer_ = std::make_unique<Checkpointer>(path);
      store->checkpointer_->Attach(store->db_.handle());
    } catch (const StoreError& e) {
      return absl::UnavailableError(e.what());
    }
  }
  store->writer_ = std::thread([s = store.get()] { s->WriterLoop(); });
  return store;
}

void Store::OnRowChange(void* store, int /*op*/, const char* /*database*/, const char* table,
                        sqlite3_int64 /*rowid*/) {
  // Called on the writer's thread inside RunGroup, which holds mutex_.
  // Changes later rolled back count too: a needless invalidation is harmless.
  for (const char* identity : {"access_keys", "users", "role_bindings", "projects"}) {
    if (std::strcmp(table, identity) == 0) {
      static_cast<Store*>(store)->identity_changed_ = true;
      return;
    }
  }
}

Store::~Store() {
  if (!writer_.joinable()) return;
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_one();
  writer_.join();
}

void Store::RunGrouped(WriteJob& job) {
  std::unique_lock lock(queue_mutex_);
  queue_.push_back(&job);
  // The writer sleeps only on an empty queue; while it runs a group it
  // finds this job when it comes back for the next.
  if (queue_.size() == 1) queue_cv_.notify_one();
  job.done_cv.wait(lock, [&job] { return job.done; });
}

void Store::WriterLoop() {
  std::unique_lock lock(queue_mutex_);
  while (true) {
    queue_cv_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping, and nothing left to run
    std::vector<WriteJob*> group;
    group.swap(queue_);
    lock.unlock();
    {
      std::lock_guard db_lock(mutex_);
      RunGroup(group);
      // Committed (or not): either way, before any caller returns.
      if (identity_changed_) {
        identity_changed_ = false;
        identity_generation_.fetch_add(1, std::memory_order_acq_rel);
      }
    }
    lock.lock();
    // Under the lock: a caller that sees done returns and destroys its job.
    for (WriteJob* job : group) {
      job->done = true;
      job->done_cv.notify_one();
    }
  }
}

void Store::RunGroup(const std::vector<WriteJob*>& group) {
  // Anything a function throws is that function's failure (StoreError from
  // the repositories; anything else would otherwise escape on the thread that
  // happens to run the group, not the caller's).
  auto internal = [](const std::exception& e) {
    return absl::InternalError(std::string("store: ") + e.what());
  };
  if (group.size() == 1) {
    WriteJob& job = *group.front();
    try {
      Transaction tx(db_);
      if (job.run(repos_)) tx.Commit();
    } catch (const std::exception& e) {
      job.fail(internal(e));
    }
    return;
  }
  try {
    Transaction tx(db_);
    for (WriteJob* job : group) {
      db_.Exec("SAVEPOINT grouped_write");
      bool keep = false;
      try {
        keep = job->run(repos_);
      } catch (const std::exception& e) {
        const absl::Status error = internal(e);
        if (sqlite3_get_autocommit(db_.handle()) != 0) {
          // SQLite rolled back the whole transaction (RAISE(ROLLBACK), an
          // I/O or out-of-memory error), savepoint and all: nothing of the
          // group is stored, and every job learns this job's error.
          for (WriteJob* other : group) {
            other->fail(other == job ? error
                                     : absl::InternalError(
                                           std::string(error.message()) +
                                           " (rolled back with another write of its group)"));
          }
          return;
        }
        job->fail(error);
      }
      if (!keep) db_.Exec("ROLLBACK TO grouped_write");
      db_.Exec("RELEASE grouped_write");
    }
    tx.Commit();
  } catch (const std::exception& e) {
    // Nothing of the group is stored: every caller learns it.
    for (WriteJob* job : group) job->fail(internal(e));
  }
}

absl::Status Store::Backup(const std::string& path) {
  std::lock_guard lock(mutex_);
  sqlite3* dest = nullptr;
  if (sqlite3_open(path.c_str(), &dest) != SQLITE_OK) {
    std::string message = dest ? sqlite3_errmsg(dest) : "out of memory";
    sqlite3_close(dest);
    return absl::InvalidArgumentError("cannot open backup file " + path + ": " + message);
  }
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", db_.handle(), "main");
  if (backup == nullptr) {
    std::string message = sqlite3_errmsg(dest);
    sqlite3_close(dest);
    return absl::InternalError("backup failed: " + message);
  }
  int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  std::string message = sqlite3_errmsg(dest);
  sqlite3_close(dest);
  if (rc != SQLITE_DONE) return absl::InternalError("backup failed: " + message);
  return absl::OkStatus();
}

}  // namespace gureum::controller
