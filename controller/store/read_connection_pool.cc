#include "controller/store/read_connection_pool.h"

#include "controller/store/repositories.h"

namespace gureum::controller {

struct ReadConnectionPool::Connection {
  explicit Connection(const std::string& path) : db(path, Database::Access::kReadOnly), repos(db) {}
  Database db;
  Repositories repos;
};

Database& ReadConnectionPool::Lease::db() { return connection_->db; }
Repositories& ReadConnectionPool::Lease::repos() { return connection_->repos; }

ReadConnectionPool::ReadConnectionPool(std::string path, int size)
    : path_(std::move(path)), size_(size < 1 ? 1 : size) {}

ReadConnectionPool::~ReadConnectionPool() = default;

void ReadConnectionPool::OpenAll() {
  std::lock_guard lock(mutex_);
  while (static_cast<int>(connections_.size()) < size_) {
    auto connection = std::make_unique<Connection>(path_);
    connection->db.Exec("SELECT COUNT(*) FROM sqlite_master");  // loads the schema
    idle_.push_back(connection.get());
    connections_.push_back(std::move(connection));
  }
}

ReadConnectionPool::Lease ReadConnectionPool::Acquire() {
  std::unique_lock lock(mutex_);
  while (idle_.empty() && static_cast<int>(connections_.size()) + opening_ >= size_) {
    returned_.wait(lock);
  }
  if (!idle_.empty()) {
    Connection* connection = idle_.back();
    idle_.pop_back();
    return Lease(*this, connection);
  }
  // Open outside the lock: other Reads keep borrowing meanwhile.
  ++opening_;
  lock.unlock();
  std::unique_ptr<Connection> opened;
  try {
    opened = std::make_unique<Connection>(path_);
  } catch (...) {
    lock.lock();
    --opening_;
    returned_.notify_one();
    throw;
  }
  lock.lock();
  --opening_;
  Connection* connection = opened.get();
  connections_.push_back(std::move(opened));
  return Lease(*this, connection);
}

void ReadConnectionPool::Return(Connection* connection) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(connection);
  }
  returned_.notify_one();
}

int ReadConnectionPool::open_connections() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(connections_.size());
}

}  // namespace gureum::controller
