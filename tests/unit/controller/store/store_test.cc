#include "controller/store/store.h"

#include <chrono>
#include <cstdio>
#include <future>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::MakeHost;
using testing::TempDir;

std::vector<HostRecord> Hosts(Store& store) {
  auto hosts = store.Read([](Repositories& repos) -> absl::StatusOr<std::vector<HostRecord>> {
    return repos.hosts.List();
  });
  REQUIRE(hosts.ok());
  return *hosts;
}

}  // namespace

TEST_CASE("a write whose function succeeds is committed") {
  // This test verifies that Store::Write commits when the function returns OK
  // and that a StatusOr result is passed through.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");
  absl::StatusOr<std::string> id =
      store->Write([](Repositories& repos) -> absl::StatusOr<std::string> {
        return repos.hosts.Upsert(MakeHost("h-00000001", "host-a")).host_id;
      });
  REQUIRE(id.ok());
  CHECK(*id == "h-00000001");
  REQUIRE(Hosts(*store).size() == 1);
}

TEST_CASE("a write whose function returns an error is rolled back") {
  // This test verifies that nothing a failing function wrote survives, for both
  // Status and StatusOr functions, and that the error is returned unchanged.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");

  absl::Status status = store->Write([](Repositories& repos) {
    repos.hosts.Upsert(MakeHost("h-00000001", "host-a"));
    return absl::InvalidArgumentError("changed my mind");
  });
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(status.message() == "changed my mind");
  CHECK(Hosts(*store).empty());

  absl::StatusOr<int> counted = store->Write([](Repositories& repos) -> absl::StatusOr<int> {
    repos.hosts.Upsert(MakeHost("h-00000002", "host-b"));
    repos.instance_types.Delete("g1.nano");
    return absl::NotFoundError("no");
  });
  CHECK(counted.status().code() == absl::StatusCode::kNotFound);
  CHECK(Hosts(*store).empty());
  auto nano = store->Read([](Repositories& repos) -> absl::StatusOr<bool> {
    return repos.instance_types.Get("g1.nano").has_value();
  });
  REQUIRE(nano.ok());
  CHECK(*nano);
}

TEST_CASE("a StoreError thrown inside a write is rolled back and becomes InternalError") {
  // This test verifies that exceptions of the store layer never leave Store:
  // the transaction is rolled back and the caller gets InternalError.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");

  absl::Status status = store->Write([](Repositories& repos) -> absl::Status {
    repos.hosts.Upsert(MakeHost("h-00000001", "host-a"));
    throw StoreError(SQLITE_IOERR, "disk on fire");
  });
  CHECK(status.code() == absl::StatusCode::kInternal);
  CHECK_THAT(std::string(status.message()), Catch::Contains("disk on fire"));
  CHECK(Hosts(*store).empty());

  // A constraint violation from a repository takes the same path.
  absl::StatusOr<int> dup = store->Write([](Repositories& repos) -> absl::StatusOr<int> {
    repos.hosts.Upsert(MakeHost("h-00000002", "host-b"));
    repos.instance_types.Insert(InstanceTypeRecord{"g1.nano", 1, 512, 4, ""}, 0);  // exists
    return 1;
  });
  CHECK(dup.status().code() == absl::StatusCode::kInternal);
  CHECK_THAT(std::string(dup.status().message()), Catch::Contains("UNIQUE"));
  CHECK(Hosts(*store).empty());

  // The store is still usable afterwards.
  REQUIRE(store
              ->Write([](Repositories& repos) {
                repos.hosts.Upsert(MakeHost("h-00000003", "host-c"));
                return absl::OkStatus();
              })
              .ok());
  CHECK(Hosts(*store).size() == 1);
}

TEST_CASE("a backup opens as a store with the same rows") {
  // This test verifies that Store::Backup writes a consistent copy that a new
  // Store can open, holding what the original held.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");
  REQUIRE(store
              ->Write([](Repositories& repos) {
                repos.hosts.Upsert(MakeHost("h-00000001", "host-a"));
                repos.hosts.Upsert(MakeHost("h-00000002", "host-b"));
                repos.instance_types.Insert(InstanceTypeRecord{"t9.huge", 64, 262144, 1024, ""}, 5);
                EventRecord e;
                e.time = 7;
                e.resource_id = "h-00000001";
                e.type = "host.registered";
                e.message = "hello";
                repos.events.Append(e);
                return absl::OkStatus();
              })
              .ok());

  const std::string backup_path = dir / "backup.db";
  REQUIRE(store->Backup(backup_path).ok());
  // Writes after the backup do not reach it.
  REQUIRE(store
              ->Write([](Repositories& repos) {
                repos.hosts.Upsert(MakeHost("h-00000003", "host-c"));
                return absl::OkStatus();
              })
              .ok());

  auto copy = testing::OpenStoreOrDie(backup_path);
  std::vector<HostRecord> hosts = Hosts(*copy);
  REQUIRE(hosts.size() == 2);
  CHECK(hosts[0].host_id == "h-00000001");
  CHECK(hosts[1].name == "host-b");
  auto rest = copy->Read([](Repositories& repos) -> absl::StatusOr<std::pair<bool, size_t>> {
    return std::pair{repos.instance_types.Get("t9.huge").has_value(),
                     repos.events.ListAfter(0, "", 100).size()};
  });
  REQUIRE(rest.ok());
  CHECK(rest->first);
  CHECK(rest->second == 1);
}

TEST_CASE("a backup to an unwritable place fails with a status") {
  // This test verifies that Backup reports a bad destination instead of
  // crashing or pretending to succeed.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");
  absl::Status status = store->Backup(dir / "no/such/dir/backup.db");
  CHECK_FALSE(status.ok());
}

TEST_CASE("opening a store where no file can be created fails as unavailable") {
  // This test verifies that Store::Open turns an open failure into a status.
  TempDir dir;
  auto store = Store::Open(dir / "missing-dir/gureum.db");
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == absl::StatusCode::kUnavailable);
}

TEST_CASE("a read runs beside a write in progress and sees what was committed before it") {
  // This test verifies that Store::Read does not wait for the writer: while a
  // write's function is still running, a read on another thread completes
  // and sees the state before that write, and after the write returns, a
  // new read sees it.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");
  std::promise<void> writing;
  std::promise<void> finish;
  std::thread writer([&] {
    absl::Status s = store->Write([&](Repositories& repos) {
      repos.hosts.Upsert(MakeHost("h-00000001", "host-a"));
      writing.set_value();
      finish.get_future().wait();
      return absl::OkStatus();
    });
    CHECK(s.ok());
  });
  writing.get_future().wait();
  auto read = std::async(std::launch::async, [&] { return Hosts(*store).size(); });
  const bool read_alone = read.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  finish.set_value();
  writer.join();
  REQUIRE(read_alone);
  CHECK(read.get() == 0);
  CHECK(Hosts(*store).size() == 1);
}

TEST_CASE("a read sees one snapshot even when a write commits in the middle of it") {
  // This test verifies that everything one Read function reads comes from
  // one snapshot: a write committed between two of its queries is not seen
  // by the second, and is seen by the next Read.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");
  auto counts = store->Read([&](Repositories& repos) -> absl::StatusOr<std::pair<size_t, size_t>> {
    const size_t before = repos.hosts.List().size();
    std::thread writer([&] {
      CHECK(store
                ->Write([](Repositories& w) {
                  w.hosts.Upsert(MakeHost("h-00000001", "host-a"));
                  return absl::OkStatus();
                })
                .ok());
    });
    writer.join();
    return std::pair{before, repos.hosts.List().size()};
  });
  REQUIRE(counts.ok());
  CHECK(counts->first == 0);
  CHECK(counts->second == 0);
  CHECK(Hosts(*store).size() == 1);
}

TEST_CASE("a read that leaves a query unfinished does not pin later reads to its snapshot") {
  // This test verifies that a statement stepped to its first row only (as
  // "does any row exist" queries do) is reset when its Read ends, so the
  // connection's next Read sees writes committed since.
  TempDir dir;
  auto store = Store::Open(dir / "gureum.db", 1);  // one connection: reused every time
  REQUIRE(store.ok());
  for (int n = 1; n <= 3; ++n) {
    char id[16];
    std::snprintf(id, sizeof id, "h-%08d", n);
    REQUIRE((*store)
                ->Write([&](Repositories& repos) {
                  repos.hosts.Upsert(MakeHost(id, std::string("host-") + id));
                  return absl::OkStatus();
                })
                .ok());
    auto seen = (*store)->Read([](Repositories& repos) -> absl::StatusOr<size_t> {
      // A point lookup steps to its row and no further: left in progress.
      repos.hosts.Get("h-00000001");
      return repos.hosts.List().size();
    });
    REQUIRE(seen.ok());
    CHECK(*seen == static_cast<size_t>(n));
  }
}

TEST_CASE("a read that tries to write fails and changes nothing") {
  // This test verifies that Read functions run on read-only connections.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");
  absl::Status status = store->Read([](Repositories& repos) {
    repos.hosts.Upsert(MakeHost("h-00000001", "host-a"));
    return absl::OkStatus();
  });
  CHECK(status.code() == absl::StatusCode::kInternal);
  CHECK(Hosts(*store).empty());
}

TEST_CASE("the identity generation moves with commits that change keys, users, roles or projects") {
  // This test verifies that Store::identity_generation() is bumped by the
  // Write that changed an identity table, before it returns, and not by
  // writes of other tables.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");
  const uint64_t start = store->identity_generation();
  REQUIRE(store
              ->Write([](Repositories& repos) {
                repos.hosts.Upsert(MakeHost("h-00000001", "host-a"));
                return absl::OkStatus();
              })
              .ok());
  CHECK(store->identity_generation() == start);
  REQUIRE(store
              ->Write([](Repositories& repos) {
                repos.identity.InsertProject(ProjectRecord{"p-1", "", 1});
                return absl::OkStatus();
              })
              .ok());
  const uint64_t after_project = store->identity_generation();
  CHECK(after_project > start);
  REQUIRE(store
              ->Write([](Repositories& repos) {
                repos.identity.InsertUser(UserRecord{"alice", "p-1", 1, {}});
                repos.identity.SetRole("alice", "p-1", "member");
                return absl::OkStatus();
              })
              .ok());
  const uint64_t after_user = store->identity_generation();
  CHECK(after_user > after_project);
  REQUIRE(store
              ->Write([](Repositories& repos) {
                repos.access_keys.Insert(
                    AccessKeyRecord{"GK1", "alice", "salt", "hash", "active", 1, 0});
                return absl::OkStatus();
              })
              .ok());
  const uint64_t after_key = store->identity_generation();
  CHECK(after_key > after_user);
  REQUIRE(store
              ->Write([](Repositories& repos) {
                repos.access_keys.SetStatus("GK1", "inactive");
                return absl::OkStatus();
              })
              .ok());
  CHECK(store->identity_generation() > after_key);
}

TEST_CASE("a write that left a lookup unfinished does not keep the WAL from being checkpointed") {
  // This test verifies that after a Write returns, its connection holds no
  // read lock (a point lookup is left in progress by design), so a
  // checkpoint can copy every frame of the WAL into the database.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");
  REQUIRE(store
              ->Write([](Repositories& repos) {
                repos.hosts.Upsert(MakeHost("h-00000001", "host-a"));
                return absl::OkStatus();
              })
              .ok());
  REQUIRE(store
              ->Write([](Repositories& repos) {
                repos.hosts.Get("h-00000001");  // stops after its row
                repos.hosts.Upsert(MakeHost("h-00000002", "host-b"));
                return absl::OkStatus();
              })
              .ok());
  Database raw(dir / "gureum.db");
  int frames = -1;
  int copied = -1;
  REQUIRE(sqlite3_wal_checkpoint_v2(raw.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames,
                                    &copied) == SQLITE_OK);
  CHECK(frames > 0);
  CHECK(copied == frames);
}

TEST_CASE("a write that makes SQLite roll back its whole group fails every job with its error") {
  // This test verifies that when one job of a group commit makes SQLite
  // roll back the whole transaction (here a trigger's RAISE(ROLLBACK); in
  // production an I/O or out-of-memory error), no job of the group reports
  // success, nothing is stored, and the job that caused it gets its own
  // error rather than that of the savepoint the rollback removed.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");
  {
    Database raw(dir / "gureum.db");
    raw.Exec(
        "CREATE TRIGGER boom BEFORE INSERT ON hosts WHEN NEW.name = 'boom' "
        "BEGIN SELECT RAISE(ROLLBACK, 'the boom trigger refused it'); END;");
  }
  // A first write holds the group runner until the other two are queued,
  // so that they run together as the next group.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> holding;
  auto first = std::async(std::launch::async, [&] {
    return store->Write([&](Repositories& repos) {
      holding.set_value();
      released.wait();
      repos.hosts.Upsert(MakeHost("h-00000001", "host-a"));
      return absl::OkStatus();
    });
  });
  holding.get_future().wait();
  auto innocent = std::async(std::launch::async, [&] {
    return store->Write([](Repositories& repos) {
      repos.hosts.Upsert(MakeHost("h-00000002", "host-b"));
      return absl::OkStatus();
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // queued behind the first
  auto culprit = std::async(std::launch::async, [&] {
    return store->Write([](Repositories& repos) {
      repos.hosts.Upsert(MakeHost("h-00000003", "boom"));
      return absl::OkStatus();
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // queued behind the first
  release.set_value();

  REQUIRE(first.get().ok());
  const absl::Status culprit_status = culprit.get();
  const absl::Status innocent_status = innocent.get();
  CHECK(culprit_status.code() == absl::StatusCode::kInternal);
  CHECK_THAT(std::string(culprit_status.message()), Catch::Contains("the boom trigger refused it"));
  CHECK(innocent_status.code() == absl::StatusCode::kInternal);
  CHECK_THAT(std::string(innocent_status.message()),
             Catch::Contains("the boom trigger refused it"));
  const std::vector<HostRecord> hosts = Hosts(*store);
  REQUIRE(hosts.size() == 1);
  CHECK(hosts[0].host_id == "h-00000001");
}

}  // namespace gureum::controller
