// Checkpointer: copies the store's write-ahead log back into the database
// file on a thread and connection of its own, so the writer never does it.
//
// SQLite's automatic checkpoint runs inside the COMMIT that pushed the WAL
// past 1,000 pages, on the writer's thread and while the store's write mutex
// is held: every write queued behind that group waited for it (16 % of the
// writer's samples while placing; docs/benchmarks.md). Here the writer's WAL
// hook only tells this thread how long the WAL is, and a PASSIVE checkpoint
// runs beside the next groups: WAL mode lets one checkpointer copy frames
// while the writer appends new ones.
//
// SQLite restarts the WAL from its beginning only at a write transaction
// that finds every frame copied, which a checkpoint racing the writer rarely
// leaves; the thread therefore makes a few catch-up passes, and the writer
// checkpoints inline itself once the WAL reaches 4x the threshold (by then
// the thread has copied most of it, so this is short). That also bounds the
// WAL when readers holding old snapshots keep the thread from finishing.
//
// Thread-safe: OnCommit is called by the writer; the rest is internal.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "controller/store/database.h"

namespace gureum::controller {

class Checkpointer {
 public:
  // SQLite's own automatic checkpoint threshold.
  static constexpr int kDefaultPages = 1000;

  // Opens a connection of its own to the WAL database at `path` and starts
  // the thread. Throws StoreError if the connection cannot be opened.
  explicit Checkpointer(const std::string& path, int pages = kDefaultPages);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Installs the WAL hook on the writer's connection (this turns SQLite's
  // automatic checkpoint off there). `writer` must outlive this object or
  // have its hook removed first (Detach).
  void Attach(sqlite3* writer);
  // Removes the hook from the writer (SQLite's automatic checkpoint stays
  // off: the connection is about to close, which checkpoints anyway).
  void Detach();

  // Checkpoints completed by the thread (tests, logs).
  int64_t checkpoints() const;

 private:
  static int OnCommit(void* self, sqlite3* writer, const char* database, int wal_pages);
  void Loop();

  const int pages_;
  const int inline_pages_;
  Database db_;  // only the thread uses it after construction
  sqlite3* writer_ = nullptr;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;      // guarded by mutex_
  bool stopping_ = false;    // guarded by mutex_
  int64_t checkpoints_ = 0;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace gureum::controller
