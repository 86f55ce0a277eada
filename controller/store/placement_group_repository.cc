#include "controller/store/placement_group_repository.h"

namespace gureum::controller {
namespace {

constexpr const char* kSelect =
    "SELECT group_id, project_id, group_name, strategy, created_at FROM placement_groups";

PlacementGroupRecord ReadRow(const Statement& s) {
  return PlacementGroupRecord{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), {}};
}

}  // namespace

void PlacementGroupRepository::Insert(const PlacementGroupRecord& r) {
  db_.Prepare(
         "INSERT INTO placement_groups (group_id, project_id, group_name, strategy, created_at) "
         "VALUES (?,?,?,?,?)")
      .Bind(1, r.group_id)
      .Bind(2, r.project_id)
      .Bind(3, r.group_name)
      .Bind(4, r.strategy)
      .Bind(5, r.created_at)
      .Run();
  for (const auto& [key, value] : r.tags) {
    db_.Prepare("INSERT INTO placement_group_tags (group_id, key, value) VALUES (?,?,?)")
        .Bind(1, r.group_id)
        .Bind(2, key)
        .Bind(3, value)
        .Run();
  }
}

std::optional<PlacementGroupRecord> PlacementGroupRepository::GetByName(
    const std::string& project_id, const std::string& group_name) {
  Statement s = db_.Prepare(std::string(kSelect) + " WHERE project_id = ? AND group_name = ?");
  if (!s.Bind(1, project_id).Bind(2, group_name).Step()) return std::nullopt;
  PlacementGroupRecord r = ReadRow(s);
  LoadTags(r);
  return r;
}

std::optional<PlacementGroupRecord> PlacementGroupRepository::GetById(const std::string& group_id) {
  Statement s = db_.Prepare(std::string(kSelect) + " WHERE group_id = ?");
  if (!s.Bind(1, group_id).Step()) return std::nullopt;
  PlacementGroupRecord r = ReadRow(s);
  LoadTags(r);
  return r;
}

std::vector<PlacementGroupRecord> PlacementGroupRepository::List(const std::string& project_id) {
  Statement s = db_.Prepare(std::string(kSelect) + " WHERE project_id = ? ORDER BY group_name");
  s.Bind(1, project_id);
  std::vector<PlacementGroupRecord> out;
  while (s.Step()) out.push_back(ReadRow(s));
  for (auto& r : out) LoadTags(r);
  return out;
}

void PlacementGroupRepository::Delete(const std::string& group_id) {
  db_.Prepare("DELETE FROM placement_groups WHERE group_id = ?").Bind(1, group_id).Run();
}

int PlacementGroupRepository::CountActiveInstances(const std::string& group_id) {
  Statement s = db_.Prepare(
      "SELECT COUNT(*) FROM instances WHERE placement_group_id = ? AND state != 'terminated'");
  s.Bind(1, group_id).Step();
  return static_cast<int>(s.Int(0));
}

void PlacementGroupRepository::LoadTags(PlacementGroupRecord& r) {
  Statement s =
      db_.Prepare("SELECT key, value FROM placement_group_tags WHERE group_id = ? ORDER BY key");
  s.Bind(1, r.group_id);
  r.tags.clear();
  while (s.Step()) r.tags.emplace_back(s.Text(0), s.Text(1));
}

}  // namespace gureum::controller
