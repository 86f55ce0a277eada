// Store: the controller's single SQLite database and the one place state is
// written. Every Write runs its function inside one BEGIN IMMEDIATE
// transaction: it commits only if the function returns OK, so a state change
// and its event, claims and idempotency record land together or not at all.
//
// Thread-safe: one mutex serialises all access (SQLite has one writer anyway).
// StoreError thrown by repositories is turned into absl::InternalError here and
// never leaves the store.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <type_traits>

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
    std::lock_guard lock(mutex_);
    try {
      Transaction tx(db_);
      auto result = fn(repos_);
      if (result.ok()) tx.Commit();
      return result;
    } catch (const StoreError& e) {
      return absl::InternalError(std::string("store: ") + e.what());
    }
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
  explicit Store(const std::string& path) : db_(path), repos_(db_) {}

  std::mutex mutex_;
  Database db_;         // guarded by mutex_
  Repositories repos_;  // guarded by mutex_
};

}  // namespace gureum::controller
