#include "controller/store/migrations.h"

#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "controller/store/store.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::TempDir;

std::set<std::string> TableNames(Database& db) {
  Statement s = db.Prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  std::set<std::string> names;
  while (s.Step()) names.insert(s.Text(0));
  return names;
}

std::string SchemaText(Database& db) {
  Statement s = db.Prepare(
      "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
      "ORDER BY type, name)");
  s.Step();
  return s.Text(0);
}

}  // namespace

TEST_CASE("migrating an empty database file reaches the latest schema version") {
  // This test verifies that Store::Open on a new file applies every migration
  // and leaves the schema at LatestSchemaVersion with all tables in place.
  TempDir dir;
  const std::string path = dir / "gureum.db";
  REQUIRE(Store::Open(path).ok());

  Database db(path);
  CHECK(SchemaVersion(db) == LatestSchemaVersion());
  std::set<std::string> tables = TableNames(db);
  for (const char* table : {"instance_types", "images", "key_pairs", "hosts", "instances",
                            "instance_tags", "client_tokens", "events"}) {
    INFO("table " << table);
    CHECK(tables.count(table) == 1);
  }
}

TEST_CASE("re-opening a migrated database changes neither its schema nor its rows") {
  // This test verifies that migrations are idempotent: a second Store::Open and
  // an explicit Migrate on an up-to-date file apply nothing and keep the data.
  TempDir dir;
  const std::string path = dir / "gureum.db";
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)
                ->Write([](Repositories& repos) {
                  repos.hosts.Upsert(testing::MakeHost("h-00000001", "host-a"));
                  return absl::OkStatus();
                })
                .ok());
  }
  std::string schema_before;
  {
    Database db(path);
    schema_before = SchemaText(db);
  }

  auto reopened = Store::Open(path);
  REQUIRE(reopened.ok());
  auto hosts =
      (*reopened)->Read([](Repositories& repos) -> absl::StatusOr<std::vector<HostRecord>> {
        return repos.hosts.List();
      });
  REQUIRE(hosts.ok());
  REQUIRE(hosts->size() == 1);
  CHECK((*hosts)[0].name == "host-a");
  // The seeded instance types are not inserted twice.
  auto types = (*reopened)->Read([](Repositories& repos) -> absl::StatusOr<size_t> {
    return repos.instance_types.List().size();
  });
  REQUIRE(types.ok());
  CHECK(*types == 7);

  Database db(path);
  REQUIRE(Migrate(db).ok());
  CHECK(SchemaVersion(db) == LatestSchemaVersion());
  CHECK(SchemaText(db) == schema_before);
}

TEST_CASE("migrations are numbered one after another from one") {
  // This test verifies that migration N is the N-th entry, so Migrate's
  // "version N brings N-1 to N" reading holds.
  const auto& migrations = AllMigrations();
  REQUIRE_FALSE(migrations.empty());
  for (size_t i = 0; i < migrations.size(); ++i) {
    CHECK(migrations[i].version == static_cast<int>(i) + 1);
    CHECK_FALSE(migrations[i].description.empty());
    CHECK_FALSE(migrations[i].sql.empty());
  }
  CHECK(LatestSchemaVersion() == migrations.back().version);
}

TEST_CASE("a database at any earlier schema version migrates forward to the latest") {
  // This test verifies that from every previous version (0 .. latest-1) a
  // partial Migrate stops at that version and a full Migrate then reaches the
  // latest with the same schema as a fresh database.
  Database fresh(":memory:");
  REQUIRE(Migrate(fresh).ok());
  const std::string latest_schema = SchemaText(fresh);

  for (const Migration& m : AllMigrations()) {
    const int from = m.version - 1;
    INFO("from version " << from);
    Database db(":memory:");
    REQUIRE(Migrate(db, from).ok());
    CHECK(SchemaVersion(db) == from);
    REQUIRE(Migrate(db).ok());
    CHECK(SchemaVersion(db) == LatestSchemaVersion());
    CHECK(SchemaText(db) == latest_schema);
  }
}

TEST_CASE("a database newer than this controller is refused with a clear error") {
  // This test verifies that a user_version above LatestSchemaVersion makes
  // Store::Open fail with FailedPrecondition that says what to do, and that the
  // file is left as it was.
  TempDir dir;
  const std::string path = dir / "gureum.db";
  const int newer = LatestSchemaVersion() + 1;
  {
    Database db(path);
    db.Exec("PRAGMA user_version=" + std::to_string(newer));
  }

  auto store = Store::Open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == absl::StatusCode::kFailedPrecondition);
  const std::string message(store.status().message());
  CHECK_THAT(message, Catch::Contains("newer than this controller understands"));
  CHECK_THAT(message, Catch::Contains(std::to_string(newer)));
  CHECK_THAT(message, Catch::Contains("upgrade the controller"));

  Database db(path);
  CHECK(SchemaVersion(db) == newer);
  CHECK(TableNames(db).empty());
  CHECK(Migrate(db).code() == absl::StatusCode::kFailedPrecondition);
}

}  // namespace gureum::controller
