#include "controller/store/host_repository.h"

namespace gureum::controller {
namespace {

constexpr const char* kSelect =
    "SELECT host_id, name, state, enabled, hypervisor_type, virt_type, vcpus, memory_mib, "
    "disk_gib, availability_zone, agent_version, registered_at, last_heartbeat, disabled_reason "
    "FROM hosts";

HostRecord ReadRow(const Statement& s) {
  HostRecord r;
  r.host_id = s.Text(0);
  r.name = s.Text(1);
  r.state = s.Text(2);
  r.enabled = s.Int(3) != 0;
  r.hypervisor_type = s.Text(4);
  r.virt_type = s.Text(5);
  r.vcpus = static_cast<int>(s.Int(6));
  r.memory_mib = s.Int(7);
  r.disk_gib = s.Int(8);
  r.availability_zone = s.Text(9);
  r.agent_version = s.Text(10);
  r.registered_at = s.Int(11);
  r.last_heartbeat = s.Int(12);
  r.disabled_reason = s.Text(13);
  return r;
}

}  // namespace

HostRecord HostRepository::Upsert(const HostRecord& r) {
  NoteChanged();
  db_.Prepare(
         "INSERT INTO hosts (host_id, name, state, enabled, hypervisor_type, virt_type, vcpus, "
         "memory_mib, disk_gib, availability_zone, agent_version, registered_at, last_heartbeat) "
         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(name) DO UPDATE SET "
         "state = excluded.state, hypervisor_type = excluded.hypervisor_type, "
         "virt_type = excluded.virt_type, vcpus = excluded.vcpus, "
         "memory_mib = excluded.memory_mib, disk_gib = excluded.disk_gib, "
         "availability_zone = excluded.availability_zone, "
         "agent_version = excluded.agent_version, last_heartbeat = excluded.last_heartbeat")
      .Bind(1, r.host_id)
      .Bind(2, r.name)
      .Bind(3, r.state)
      .Bind(4, r.enabled ? 1 : 0)
      .Bind(5, r.hypervisor_type)
      .Bind(6, r.virt_type)
      .Bind(7, r.vcpus)
      .Bind(8, r.memory_mib)
      .Bind(9, r.disk_gib)
      .Bind(10, r.availability_zone)
      .Bind(11, r.agent_version)
      .Bind(12, r.registered_at)
      .Bind(13, r.last_heartbeat)
      .Run();
  return *GetByName(r.name);
}

std::optional<HostRecord> HostRepository::Get(const std::string& host_id) {
  Statement s = db_.Prepare(std::string(kSelect) + " WHERE host_id = ?");
  if (!s.Bind(1, host_id).Step()) return std::nullopt;
  return ReadRow(s);
}

std::optional<HostRecord> HostRepository::GetByName(const std::string& name) {
  Statement s = db_.Prepare(std::string(kSelect) + " WHERE name = ?");
  if (!s.Bind(1, name).Step()) return std::nullopt;
  return ReadRow(s);
}

std::vector<HostRecord> HostRepository::List() {
  Statement s = db_.Prepare(std::string(kSelect) + " ORDER BY name");
  std::vector<HostRecord> out;
  while (s.Step()) out.push_back(ReadRow(s));
  return out;
}

void HostRepository::SetState(const std::string& host_id, const std::string& state) {
  NoteChanged();
  db_.Prepare("UPDATE hosts SET state = ? WHERE host_id = ?").Bind(1, state).Bind(2, host_id).Run();
}

void HostRepository::SetEnabled(const std::string& host_id, bool enabled,
                                const std::string& disabled_reason) {
  NoteChanged();
  db_.Prepare("UPDATE hosts SET enabled = ?, disabled_reason = ? WHERE host_id = ?")
      .Bind(1, enabled ? 1 : 0)
      .Bind(2, enabled ? std::string() : disabled_reason)
      .Bind(3, host_id)
      .Run();
}

void HostRepository::TouchHeartbeat(const std::string& host_id, int64_t at) {
  db_.Prepare("UPDATE hosts SET last_heartbeat = ? WHERE host_id = ?")
      .Bind(1, at)
      .Bind(2, host_id)
      .Run();
}

}  // namespace gureum::controller
