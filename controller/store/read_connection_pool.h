// ReadConnectionPool: read-only connections to the store's database file,
// each with its own Repositories, lent to one Store::Read at a time. WAL lets
// them read beside the writer, so a Read does not queue behind group commits
// on the writer's mutex. At most `size` connections (Store opens them all at
// start); a Read that finds them all lent waits for one.
//
// Thread-safe. Acquire may throw StoreError (opening a connection failed);
// Store turns it into a Status.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "controller/store/database.h"

namespace gureum::controller {

struct Repositories;

class ReadConnectionPool {
 public:
  struct Connection;

  // A connection lent to the caller until the lease is destroyed.
  class Lease {
   public:
    Lease(ReadConnectionPool& pool, Connection* connection)
        : pool_(pool), connection_(connection) {}
    ~Lease() { pool_.Return(connection_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    Database& db();
    Repositories& repos();

   private:
    ReadConnectionPool& pool_;
    Connection* connection_;
  };

  // `path` is an existing WAL database (the writer opened and migrated it).
  ReadConnectionPool(std::string path, int size);
  ~ReadConnectionPool();
  ReadConnectionPool(const ReadConnectionPool&) = delete;
  ReadConnectionPool& operator=(const ReadConnectionPool&) = delete;

  // Opens every connection now and loads the schema into each, so that no
  // Read pays for opening one (a few ms: long enough for a fast agent's
  // report to overtake the RunInstances answer). Throws StoreError.
  void OpenAll();
  // An idle connection, opening one if fewer than `size` are open, else
  // waiting for one to be returned.
  Lease Acquire();
  // How many connections are open (tests).
  int open_connections() const;

 private:
  void Return(Connection* connection);

  const std::string path_;
  const int size_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> connections_;  // guarded by mutex_
  std::vector<Connection*> idle_;                         // guarded by mutex_
  int opening_ = 0;                                       // guarded by mutex_
};

}  // namespace gureum::controller
