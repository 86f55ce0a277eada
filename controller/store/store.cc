#include "controller/store/store.h"

#include "controller/store/migrations.h"

namespace gureum::controller {

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  std::unique_ptr<Store> store;
  try {
    store.reset(new Store(path));
  } catch (const StoreError& e) {
    return absl::UnavailableError(e.what());
  }
  std::lock_guard lock(store->mutex_);
  if (absl::Status status = Migrate(store->db_); !status.ok()) return status;
  return store;
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
