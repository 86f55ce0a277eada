// Store: the controller's single SQLite database and the one place state is
// written. Every Write runs its function inside one BEGIN IMMEDIATE
// transaction: it commits only if the function returns OK, so a state change
// and its event, claims and idempotency record land together or not at all.
//
// Thread-safe: one mutex serialises all access (SQLite has one writer anyway).
// StoreError thrown by repositories is turned into absl::InternalError here and
// never leaves the store.
//
// Group commit: Writes that arrive while another is running are queued, and
// the next one to run takes the whole queue into ONE transaction, each
// function inside its own SAVEPOINT (rolled back alone when it fails). Every
// caller still sees its function run alone against the effects of the ones
// before it, and returns only after the shared COMMIT is durable. A commit
// costs one fsync (synchronous=FULL); sharing it between concurrent writers
// is what lets launches, agent reports and terminations keep up with each
// other (docs/benchmarks.md). If the COMMIT itself fails, every function of
// the group gets the error, as none of them is stored.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "controller/store/access_key_repository.h"
#include "controller/store/audit_repository.h"
#include "controller/store/client_token_repository.h"
#include "controller/store/database.h"
#include "controller/store/event_repository.h"
#include "controller/store/host_repository.h"
#include "controller/store/identity_repository.h"
#include "controller/store/image_repository.h"
#include "controller/store/instance_repository.h"
#include "controller/store/instance_type_repository.h"
#include "controller/store/join_token_repository.h"
#include "controller/store/key_pair_repository.h"
#include "controller/store/placement_group_repository.h"
#include "controller/store/quota_repository.h"

namespace gureum::controller {

// The repositories of one transaction.
struct Repositories {
  explicit Repositories(Database& db)
      : instances(db),
        images(db),
        key_pairs(db),
        instance_types(db),
        hosts(db),
        events(db),
        client_tokens(db),
        placement_groups(db),
        quotas(db),
        identity(db),
        access_keys(db),
        audit(db),
        join_tokens(db) {}
  InstanceRepository instances;
  ImageRepository images;
  KeyPairRepository key_pairs;
  InstanceTypeRepository instance_types;
  HostRepository hosts;
  EventRepository events;
  ClientTokenRepository client_tokens;
  PlacementGroupRepository placement_groups;
  QuotaRepository quotas;
  IdentityRepository identity;
  AccessKeyRepository access_keys;
  AuditRepository audit;
  JoinTokenRepository join_tokens;
};

class Store {
 public:
  // Opens the database at `path` and applies migrations.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path);

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

  // Runs fn(Repositories&) with the database to itself (a consistent view).
  template <typename Fn>
  auto Read(Fn&& fn) -> std::invoke_result_t<Fn, Repositories&> {
    std::lock_guard lock(mutex_);
    try {
      return fn(repos_);
    } catch (const StoreError& e) {
      return absl::InternalError(std::string("store: ") + e.what());
    }
  }

  // Online backup to `path` with SQLite's backup API.
  absl::Status Backup(const std::string& path);

 private:
  // One Write, type-erased: run() returns whether to keep its changes (and
  // may throw StoreError); fail() replaces its result with an error.
  struct WriteJob {
    std::function<bool(Repositories&)> run;
    std::function<void(const absl::Status&)> fail;
    bool done = false;  // guarded by queue_mutex_
  };

  explicit Store(const std::string& path) : db_(path), repos_(db_) {}
  // Queues the job and returns once a group holding it has committed (or failed).
  void RunGrouped(WriteJob& job);
  // Runs the jobs in one transaction; needs mutex_.
  void RunGroup(const std::vector<WriteJob*>& group);

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::vector<WriteJob*> queue_;  // guarded by queue_mutex_
  bool group_running_ = false;    // guarded by queue_mutex_

  std::mutex mutex_;
  Database db_;         // guarded by mutex_
  Repositories repos_;  // guarded by mutex_
};

}  // namespace gureum::controller
