#include "controller/store/database.h"

#include <sqlite3.h>

#include <string>

#include <catch2/catch.hpp>

#include "controller/store/migrations.h"
#include "controller/store/store.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::TempDir;

std::string PragmaText(Database& db, const std::string& pragma) {
  Statement s = db.Prepare("PRAGMA " + pragma);
  REQUIRE(s.Step());
  return s.Text(0);
}

int64_t CountRows(Database& db, const std::string& table) {
  Statement s = db.Prepare("SELECT COUNT(*) FROM " + table);
  REQUIRE(s.Step());
  return s.Int(0);
}

}  // namespace

TEST_CASE("a database file is opened in WAL mode with foreign keys enforced") {
  // This test verifies that every connection uses the WAL journal, synchronous=FULL and foreign
  // keys.
  TempDir dir;
  Database db(dir / "gureum.db");
  CHECK(PragmaText(db, "journal_mode") == "wal");
  CHECK(PragmaText(db, "foreign_keys") == "1");
  CHECK(PragmaText(db, "synchronous") == "2");  // FULL
}

TEST_CASE("a store's file stays in WAL mode for other readers") {
  // This test verifies that the WAL setting is persisted in the file that
  // Store::Open creates, as seen by an independent SQLite connection.
  TempDir dir;
  const std::string path = dir / "gureum.db";
  auto store = Store::Open(path);
  REQUIRE(store.ok());

  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  std::string mode(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
  CHECK(mode == "wal");
}

TEST_CASE("the store refuses an instance whose host does not exist") {
  // This test verifies that foreign keys are enforced through the store: an
  // instance row pointing at an unknown host is an InternalError and is not kept.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");
  InstanceRecord r;
  r.instance_id = "i-00000000000000001";
  r.project_id = "default";
  r.reservation_id = "r-00000000000000001";
  r.image_id = "ami-00000000000000001";
  r.instance_type = "g1.nano";
  r.vcpus = 1;
  r.memory_mib = 512;
  r.root_disk_gib = 4;
  r.host_id = "h-does-not-exist";
  r.availability_zone = "az-1";
  r.state = "pending";
  r.desired_state = "running";
  r.mac_address = "52:54:00:00:00:01";
  absl::Status status = store->Write([&](Repositories& repos) {
    repos.instances.Insert(r);
    return absl::OkStatus();
  });
  CHECK(status.code() == absl::StatusCode::kInternal);
  CHECK_THAT(std::string(status.message()), Catch::Contains("FOREIGN KEY"));
  auto found = store->Read([&](Repositories& repos) -> absl::StatusOr<bool> {
    return repos.instances.Get(r.instance_id).has_value();
  });
  REQUIRE(found.ok());
  CHECK_FALSE(*found);
}

TEST_CASE("a transaction destroyed without commit leaves nothing behind") {
  // This test verifies that a transaction destroyed without commit is rolled back and a committed
  // one keeps its rows.
  Database db(":memory:");
  REQUIRE(Migrate(db).ok());
  {
    Transaction tx(db);
    db.Exec("DELETE FROM instance_types");
    CHECK(CountRows(db, "instance_types") == 0);
  }
  CHECK(CountRows(db, "instance_types") == 7);
  {
    Transaction tx(db);
    db.Exec("DELETE FROM instance_types WHERE name = 'g1.nano'");
    tx.Commit();
  }
  CHECK(CountRows(db, "instance_types") == 6);
}

TEST_CASE("statements bind and read back text, integers, blobs and nulls") {
  // This test verifies that text, integers, blobs with NULs and NULLs bind and read back through
  // one cached statement used twice.
  Database db(":memory:");
  db.Exec("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n TEXT)");
  const std::string bytes("a\0b\xff", 4);
  for (int round = 0; round < 2; ++round) {
    db.Prepare("INSERT INTO t VALUES (?,?,?,?)")
        .Bind(1, int64_t{1} << 40)
        .Bind(2, "text " + std::to_string(round))
        .BindBlob(3, bytes)
        .BindNull(4)
        .Run();
  }
  Statement s = db.Prepare("SELECT i, s, b, n FROM t ORDER BY s");
  REQUIRE(s.Step());
  CHECK(s.Int(0) == (int64_t{1} << 40));
  CHECK(s.Text(1) == "text 0");
  CHECK(s.Blob(2) == bytes);
  CHECK(s.IsNull(3));
  CHECK_FALSE(s.IsNull(1));
  REQUIRE(s.Step());
  CHECK(s.Text(1) == "text 1");
  CHECK_FALSE(s.Step());
}

TEST_CASE("bad SQL surfaces as a StoreError with SQLite's message") {
  // This test verifies that the store layer reports SQLite failures as
  // StoreError (which Store turns into a status) rather than crashing.
  Database db(":memory:");
  CHECK_THROWS_AS(db.Prepare("SELEKT 1"), StoreError);
  CHECK_THROWS_WITH(db.Exec("CREATE TABLE"), Catch::Contains("exec"));
}

}  // namespace gureum::controller
