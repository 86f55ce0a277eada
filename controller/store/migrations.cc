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
      {2, "placement groups, quotas, usage kept by triggers, host maintenance", R"sql(
ALTER TABLE instance_types ADD COLUMN hypervisor TEXT NOT NULL DEFAULT '';
ALTER TABLE hosts ADD COLUMN disabled_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN placement_group_id TEXT NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN placement_group_name TEXT NOT NULL DEFAULT '';
CREATE INDEX instances_placement_group ON instances(placement_group_id, host_id)
  WHERE placement_group_id != '';

CREATE TABLE placement_groups (
  group_id   TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  group_name TEXT NOT NULL,
  strategy   TEXT NOT NULL CHECK (strategy IN ('spread', 'cluster')),
  created_at INTEGER NOT NULL,
  UNIQUE (project_id, group_name)
);

CREATE TABLE placement_group_tags (
  group_id TEXT NOT NULL REFERENCES placement_groups(group_id) ON DELETE CASCADE,
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (group_id, key)
);

-- Limits set by an admin; a resource without a row has the built-in default.
CREATE TABLE quotas (
  project_id TEXT NOT NULL,
  resource   TEXT NOT NULL CHECK (resource IN ('instances', 'vcpus', 'memory-mib', 'disk-gib')),
  hard_limit INTEGER NOT NULL CHECK (hard_limit >= -1),
  PRIMARY KEY (project_id, resource)
);

-- What non-terminated instances hold, per project and per host. Kept exact by
-- the triggers below in the same transaction as every insert, state change
-- and purge of an instance, whatever code path makes it.
CREATE TABLE project_usage (
  project_id TEXT PRIMARY KEY,
  instances  INTEGER NOT NULL DEFAULT 0,
  vcpus      INTEGER NOT NULL DEFAULT 0,
  memory_mib INTEGER NOT NULL DEFAULT 0,
  disk_gib   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE host_usage (
  host_id    TEXT PRIMARY KEY,
  instances  INTEGER NOT NULL DEFAULT 0,
  vcpus      INTEGER NOT NULL DEFAULT 0,
  memory_mib INTEGER NOT NULL DEFAULT 0,
  disk_gib   INTEGER NOT NULL DEFAULT 0,
  building   INTEGER NOT NULL DEFAULT 0  -- instances in state pending
);

INSERT INTO project_usage (project_id, instances, vcpus, memory_mib, disk_gib)
  SELECT project_id, COUNT(*), SUM(vcpus), SUM(memory_mib), SUM(root_disk_gib)
  FROM instances WHERE state != 'terminated' GROUP BY project_id;
INSERT INTO host_usage (host_id, instances, vcpus, memory_mib, disk_gib, building)
  SELECT host_id, COUNT(*), SUM(vcpus), SUM(memory_mib), SUM(root_disk_gib),
         SUM(state = 'pending')
  FROM instances WHERE state != 'terminated' GROUP BY host_id;

CREATE TRIGGER instances_usage_insert AFTER INSERT ON instances
WHEN NEW.state != 'terminated'
BEGIN
  INSERT INTO project_usage (project_id, instances, vcpus, memory_mib, disk_gib)
    VALUES (NEW.project_id, 1, NEW.vcpus, NEW.memory_mib, NEW.root_disk_gib)
    ON CONFLICT (project_id) DO UPDATE SET
      instances = instances + 1, vcpus = vcpus + excluded.vcpus,
      memory_mib = memory_mib + excluded.memory_mib, disk_gib = disk_gib + excluded.disk_gib;
  INSERT INTO host_usage (host_id, instances, vcpus, memory_mib, disk_gib, building)
    VALUES (NEW.host_id, 1, NEW.vcpus, NEW.memory_mib, NEW.root_disk_gib, NEW.state = 'pending')
    ON CONFLICT (host_id) DO UPDATE SET
      instances = instances + 1, vcpus = vcpus + excluded.vcpus,
      memory_mib = memory_mib + excluded.memory_mib, disk_gib = disk_gib + excluded.disk_gib,
      building = building + excluded.building;
END;

CREATE TRIGGER instances_usage_terminated AFTER UPDATE OF state ON instances
WHEN OLD.state != 'terminated' AND NEW.state = 'terminated'
BEGIN
  UPDATE project_usage SET instances = instances - 1, vcpus = vcpus - OLD.vcpus,
    memory_mib = memory_mib - OLD.memory_mib, disk_gib = disk_gib - OLD.root_disk_gib
    WHERE project_id = OLD.project_id;
  UPDATE host_usage SET instances = instances - 1, vcpus = vcpus - OLD.vcpus,
    memory_mib = memory_mib - OLD.memory_mib, disk_gib = disk_gib - OLD.root_disk_gib,
    building = building - (OLD.state = 'pending')
    WHERE host_id = OLD.host_id;
END;

CREATE TRIGGER instances_usage_building AFTER UPDATE OF state ON instances
WHEN NEW.state != 'terminated' AND OLD.state != 'terminated'
     AND (OLD.state = 'pending') != (NEW.state = 'pending')
BEGIN
  UPDATE host_usage SET building = building + (NEW.state = 'pending') - (OLD.state = 'pending')
    WHERE host_id = NEW.host_id;
END;

CREATE TRIGGER instances_usage_delete AFTER DELETE ON instances
WHEN OLD.state != 'terminated'
BEGIN
  UPDATE project_usage SET instances = instances - 1, vcpus = vcpus - OLD.vcpus,
    memory_mib = memory_mib - OLD.memory_mib, disk_gib = disk_gib - OLD.root_disk_gib
    WHERE project_id = OLD.project_id;
  UPDATE host_usage SET instances = instances - 1, vcpus = vcpus - OLD.vcpus,
    memory_mib = memory_mib - OLD.memory_mib, disk_gib = disk_gib - OLD.root_disk_gib,
    building = building - (OLD.state = 'pending')
    WHERE host_id = OLD.host_id;
END;
)sql"},
      {3, "client tokens remember when their resource ended", R"sql(
ALTER TABLE client_tokens ADD COLUMN ended_at INTEGER;
)sql"},
      {4, "projects, users, roles, access keys, audit log, public images", R"sql(
CREATE TABLE projects (
  project_id  TEXT PRIMARY KEY,
  description TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
);
-- Every resource created before projects existed belongs to `default`.
INSERT INTO projects (project_id, description, created_at)
  VALUES ('default', 'the first project', CAST(strftime('%s','now') AS INTEGER) * 1000);
INSERT OR IGNORE INTO projects (project_id, created_at)
  SELECT DISTINCT project_id, CAST(strftime('%s','now') AS INTEGER) * 1000 FROM instances;
CREATE TABLE users (
  user_name       TEXT PRIMARY KEY,
  default_project TEXT NOT NULL REFERENCES projects(project_id),
  created_at      INTEGER NOT NULL
);
CREATE TABLE role_bindings (
  user_name  TEXT NOT NULL REFERENCES users(user_name) ON DELETE CASCADE,
  project_id TEXT NOT NULL REFERENCES projects(project_id),
  role       TEXT NOT NULL CHECK (role IN ('admin', 'member', 'reader')),
  PRIMARY KEY (user_name, project_id)
);
-- Secrets are never stored: only a salted SHA-256 (common/secret.h).
CREATE TABLE access_keys (
  access_key_id TEXT PRIMARY KEY,
  user_name     TEXT NOT NULL REFERENCES users(user_name) ON DELETE CASCADE,
  salt          TEXT NOT NULL,
  secret_hash   TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER
);
CREATE INDEX access_keys_user ON access_keys(user_name);
CREATE TABLE audit_events (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  time          INTEGER NOT NULL,
  request_id    TEXT NOT NULL,
  user_name     TEXT NOT NULL,
  access_key_id TEXT NOT NULL,
  project_id    TEXT NOT NULL,
  source        TEXT NOT NULL,
  operation     TEXT NOT NULL,
  parameters    TEXT NOT NULL,
  outcome       TEXT NOT NULL,
  message       TEXT NOT NULL
);
ALTER TABLE images ADD COLUMN is_public INTEGER NOT NULL DEFAULT 0;
)sql"},
      {5, "join tokens: one-time secrets with which a host gets its certificate", R"sql(
CREATE TABLE join_tokens (
  token_id   TEXT PRIMARY KEY,
  host_name  TEXT NOT NULL,
  salt       TEXT NOT NULL,
  hash       TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
)sql"},
      {6, "instances by reservation: RunInstances reads its reservation back", R"sql(
CREATE INDEX instances_reservation ON instances(reservation_id);
)sql"},
      {7, "usage kept by InstanceRepository, not by insert and state triggers", R"sql(
DROP TRIGGER instances_usage_insert;
DROP TRIGGER instances_usage_terminated;
DROP TRIGGER instances_usage_building;
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
