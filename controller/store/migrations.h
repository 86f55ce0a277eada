// Versioned schema migrations. The schema version lives in the database
// (PRAGMA user_version); Migrate applies every missing step, each in its own
// transaction, and refuses a database newer than this binary understands.
#pragma once

#include <string>
#include <vector>

#include <absl/status/status.h>

#include "controller/store/database.h"

namespace gureum::controller {

struct Migration {
  int version;
  std::string description;
  std::string sql;
};

// All migrations, in order; version N brings the schema from N-1 to N.
const std::vector<Migration>& AllMigrations();
int LatestSchemaVersion();
int SchemaVersion(Database& db);

// Applies migrations up to `target` (default: the latest).
absl::Status Migrate(Database& db, int target = -1);

}  // namespace gureum::controller
