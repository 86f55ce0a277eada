#include "controller/store/checkpointer.h"

namespace gureum::controller {

Checkpointer::Checkpointer(const std::string& path, int pages)
    : pages_(pages), inline_pages_(4 * pages), db_(path) {
  // A checkpoint reads frames from the WAL and writes pages to the file; it
  // needs no page cache of its own beyond SQLite's minimum.
  db_.Exec("PRAGMA cache_size=-256;");
  sqlite3_wal_autocheckpoint(db_.handle(), 0);
  thread_ = std::thread([this] { Loop(); });
}

Checkpointer::~Checkpointer() {
  Detach();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::Attach(sqlite3* writer) {
  writer_ = writer;
  sqlite3_wal_hook(writer_, &Checkpointer::OnCommit, this);
}

void Checkpointer::Detach() {
  if (writer_ == nullptr) return;
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  writer_ = nullptr;
}

int64_t Checkpointer::checkpoints() const {
  std::lock_guard lock(mutex_);
  return checkpoints_;
}

int Checkpointer::OnCommit(void* self, sqlite3* writer, const char* database, int wal_pages) {
  auto* checkpointer = static_cast<Checkpointer*>(self);
  if (wal_pages >= checkpointer->inline_pages_) {
    // Far behind: do what SQLite's automatic checkpoint would have done.
    sqlite3_wal_checkpoint_v2(writer, database, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  if (wal_pages >= checkpointer->pages_) {
    {
      std::lock_guard lock(checkpointer->mutex_);
      checkpointer->wanted_ = true;
    }
    checkpointer->wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::Loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    lock.unlock();
    // PASSIVE: copies what no reader still needs and never blocks the
    // writer; SQLITE_BUSY (another checkpoint running) just means later.
    // The writer appends meanwhile, and SQLite restarts the WAL from its
    // beginning only when a checkpoint has copied all of it: so catch up
    // with a few shorter passes, each likely to end between two commits.
    int rc = SQLITE_OK;
    for (int pass = 0; pass < 4; ++pass) {
      int frames = 0;
      int copied = 0;
      rc = sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames,
                                     &copied);
      if (rc != SQLITE_OK || copied >= frames) break;
    }
    lock.lock();
    if (rc == SQLITE_OK) ++checkpoints_;
  }
}

}  // namespace gureum::controller
