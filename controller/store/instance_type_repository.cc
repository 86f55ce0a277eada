#include "controller/store/instance_type_repository.h"

namespace gureum::controller {

void InstanceTypeRepository::Insert(const InstanceTypeRecord& r, int64_t now) {
  db_.Prepare(
         "INSERT INTO instance_types (name, vcpus, memory_mib, root_disk_gib, hypervisor, "
         "created_at) VALUES (?,?,?,?,?,?)")
      .Bind(1, r.name)
      .Bind(2, r.vcpus)
      .Bind(3, r.memory_mib)
      .Bind(4, r.root_disk_gib)
      .Bind(5, r.hypervisor)
      .Bind(6, now)
      .Run();
}

std::optional<InstanceTypeRecord> InstanceTypeRepository::Get(const std::string& name) {
  Statement s = db_.Prepare(
      "SELECT name, vcpus, memory_mib, root_disk_gib, hypervisor FROM instance_types WHERE name = "
      "?");
  if (!s.Bind(1, name).Step()) return std::nullopt;
  return InstanceTypeRecord{s.Text(0), static_cast<int>(s.Int(1)), s.Int(2), s.Int(3), s.Text(4)};
}

std::vector<InstanceTypeRecord> InstanceTypeRepository::List() {
  Statement s = db_.Prepare(
      "SELECT name, vcpus, memory_mib, root_disk_gib, hypervisor FROM instance_types "
      "ORDER BY vcpus, memory_mib, name");
  std::vector<InstanceTypeRecord> out;
  while (s.Step()) {
    out.push_back(
        InstanceTypeRecord{s.Text(0), static_cast<int>(s.Int(1)), s.Int(2), s.Int(3), s.Text(4)});
  }
  return out;
}

void InstanceTypeRepository::Delete(const std::string& name) {
  db_.Prepare("DELETE FROM instance_types WHERE name = ?").Bind(1, name).Run();
}

}  // namespace gureum::controller
