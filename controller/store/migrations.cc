#include "controller/store/migrations.h"

namespace gureum::controller {

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "instances, images, instance types, key pairs, hosts, events", R"sql(
CREATE TABLE instance_types (
  name          TEXT PRIMARY KEY,
  vcpus         INTEGER NOT NULL CHECK (vcpus > 0),
  memory_mib    INTEGER NOT NULL CHECK (memory_mib > 0),
  root_disk_gib INTEGER NOT NULL CHECK (root_disk_gib > 0),
  created_at    INTEGER NOT NULL
);
INSERT INTO instance_types (name, vcpus, memory_mib, root_disk_gib, created_at) VALUES
  ('g1.nano',    1,   512,   4, 0),
  ('g1.micro',   1,  1024,   8, 0),
  ('g1.small',   1,  2048,  16, 0),
  ('g1.medium',  2,  4096,  32, 0),
  ('g1.large',   2,  8192,  64, 0),
  ('g1.xlarge',  4, 16384, 128, 0),
  ('g1.2xlarge', 8, 32768, 256, 0);

CREATE TABLE images (
  image_id           TEXT PRIMARY KEY,
  project_id         TEXT NOT NULL,
  name               TEXT NOT NULL,
  description        TEXT NOT NULL DEFAULT '',
  state              TEXT NOT NULL,
  disk_format        TEXT NOT NULL,
  size_bytes         INTEGER NOT NULL,
  virtual_size_bytes INTEGER NOT NULL,
  sha256             TEXT NOT NULL,
  kernel_sha256      TEXT NOT NULL DEFAULT '',
  ramdisk_sha256     TEXT NOT NULL DEFAULT '',
  kernel_args        TEXT NOT NULL DEFAULT '',
  created_at         INTEGER NOT NULL
);
CREATE UNIQUE INDEX images_project_name ON images(project_id, name);

CREATE TABLE key_pairs (
  key_pair_id TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL,
  key_name    TEXT NOT NULL,
  key_type    TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  public_key  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (project_id, key_name)
);

CREATE TABLE hosts (
  host_id           TEXT PRIMARY KEY,
  name              TEXT NOT NULL UNIQUE,
  state             TEXT NOT NULL,
  enabled           INTEGER NOT NULL DEFAULT 1,
  hypervisor_type   TEXT NOT NULL,
  virt_type         TEXT NOT NULL,
  vcpus             INTEGER NOT NULL,
  memory_mib        INTEGER NOT NULL,
  disk_gib          INTEGER NOT NULL,
  availability_zone TEXT NOT NULL,
  agent_version     TEXT NOT NULL DEFAULT '',
  registered_at     INTEGER NOT NULL,
  last_heartbeat    INTEGER NOT NULL
);

CREATE TABLE instances (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  instance_id          TEXT NOT NULL UNIQUE,
  project_id           TEXT NOT NULL,
  reservation_id       TEXT NOT NULL,
  launch_index         INTEGER NOT NULL,
  image_id             TEXT NOT NULL,
  instance_type        TEXT NOT NULL,
  vcpus                INTEGER NOT NULL,
  memory_mib           INTEGER NOT NULL,
  root_disk_gib        INTEGER NOT NULL,
  key_name             TEXT NOT NULL DEFAULT '',
  public_key           TEXT NOT NULL DEFAULT '',
  user_data            BLOB,
  host_id              TEXT NOT NULL REFERENCES hosts(host_id),
  availability_zone    TEXT NOT NULL,
  state                TEXT NOT NULL,
  state_reason_code    TEXT NOT NULL DEFAULT '',
  state_reason_message TEXT NOT NULL DEFAULT '',
  desired_state        TEXT NOT NULL,
  force_stop           INTEGER NOT NULL DEFAULT 0,
  reboot_token         INTEGER NOT NULL DEFAULT 0,
  mac_address          TEXT NOT NULL UNIQUE,
  private_ip           TEXT,
  network              TEXT NOT NULL DEFAULT '',
  client_token         TEXT NOT NULL DEFAULT '',
  launched_at          INTEGER NOT NULL,
  state_changed_at     INTEGER NOT NULL,
  terminated_at        INTEGER
);
CREATE INDEX instances_host ON instances(host_id, state);
CREATE INDEX instances_state ON instances(state);
CREATE INDEX instances_terminated ON instances(terminated_at) WHERE terminated_at IS NOT NULL;
CREATE UNIQUE INDEX instances_private_ip ON instances(network, private_ip)
  WHERE private_ip IS NOT NULL;

CREATE TABLE instance_tags (
  instance_id TEXT NOT NULL REFERENCES instances(instance_id) ON DELETE CASCADE,
  key         TEXT NOT NULL,
  value       TEXT NOT NULL,
  PRIMARY KEY (instance_id, key)
);

CREATE TABLE client_tokens (
  project_id    TEXT NOT NULL,
  client_token  TEXT NOT NULL,
  operation     TEXT NOT NULL,
  request_hash  TEXT NOT NULL,
  result        BLOB NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (project_id, client_token)
);

CREATE TABLE events (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  time          INTEGER NOT NULL,
  request_id    TEXT NOT NULL,
  actor         TEXT NOT NULL,
  project_id    TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id   TEXT NOT NULL,
  type          TEXT NOT NULL,
  message       TEXT NOT NULL,
  from_state    TEXT NOT NULL DEFAULT '',
  to_state      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_resource ON events(resource_id, seq);
)sql"},
  };
  return kMigrations;
}

int LatestSchemaVersion() { return AllMigrations().back().version; }

int SchemaVersion(Database& db) {
  Statement stmt = db.Prepare("PRAGMA user_version");
  stmt.Step();
  return static_cast<int>(stmt.Int(0));
}

absl::Status Migrate(Database& db, int target) {
  if (target < 0) target = LatestSchemaVersion();
  try {
    int current = SchemaVersion(db);
    if (current > LatestSchemaVersion()) {
      return absl::FailedPreconditionError("database schema version " + std::to_string(current) +
                                           " is newer than this controller understands (" +
                                           std::to_string(LatestSchemaVersion()) +
                                           "); upgrade the controller");
    }
    for (const Migration& m : AllMigrations()) {
      if (m.version <= current || m.version > target) continue;
      Transaction tx(db);
      db.Exec(m.sql);
      db.Exec("PRAGMA user_version=" + std::to_string(m.version));
      tx.Commit();
    }
    return absl::OkStatus();
  } catch (const StoreError& e) {
    return absl::InternalError(std::string("migration failed: ") + e.what());
  }
}

}  // namespace gureum::controller
