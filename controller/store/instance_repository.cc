#include "controller/store/instance_repository.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace gureum::controller {
namespace {

// The columns a listing shows (ListedInstanceView), read by ReadListed.
constexpr const char* kListedColumns =
    "i.seq, i.instance_id, i.project_id, i.reservation_id, i.launch_index, i.image_id, "
    "i.instance_type, i.vcpus, i.memory_mib, i.root_disk_gib, i.key_name, i.host_id, h.name, "
    "h.state, i.availability_zone, i.state, i.state_reason_code, i.state_reason_message, "
    "i.desired_state, i.mac_address, i.private_ip, i.client_token, i.launched_at, "
    "i.state_changed_at, i.placement_group_name";

// A full record's columns: the listed ones first, then the rest (ReadRow).
const std::string& AllColumns() {
  static const std::string columns =
      std::string(kListedColumns) +
      ", i.public_key, i.user_data, i.network, i.force_stop, i.reboot_token, i.terminated_at, "
      "i.placement_group_id";
  return columns;
}

void ReadListed(const Statement& s, ListedInstanceView* v) {
  v->seq = s.Int(0);
  v->instance_id = s.TextView(1);
  v->project_id = s.TextView(2);
  v->reservation_id = s.TextView(3);
  v->launch_index = static_cast<int>(s.Int(4));
  v->image_id = s.TextView(5);
  v->instance_type = s.TextView(6);
  v->vcpus = static_cast<int>(s.Int(7));
  v->memory_mib = s.Int(8);
  v->root_disk_gib = s.Int(9);
  v->key_name = s.TextView(10);
  v->host_id = s.TextView(11);
  v->host_name = s.TextView(12);
  v->host_state = s.TextView(13);
  v->availability_zone = s.TextView(14);
  v->state = s.TextView(15);
  v->reason_code = s.TextView(16);
  v->reason_message = s.TextView(17);
  v->desired_state = s.TextView(18);
  v->mac_address = s.TextView(19);
  v->private_ip = s.TextView(20);
  v->client_token = s.TextView(21);
  v->launched_at = s.Int(22);
  v->state_changed_at = s.Int(23);
  v->placement_group_name = s.TextView(24);
}

InstanceRecord ReadRow(const Statement& s) {
  ListedInstanceView v;
  ReadListed(s, &v);
  InstanceRecord r;
  r.seq = v.seq;
  r.instance_id = v.instance_id;
  r.project_id = v.project_id;
  r.reservation_id = v.reservation_id;
  r.launch_index = v.launch_index;
  r.image_id = v.image_id;
  r.instance_type = v.instance_type;
  r.vcpus = v.vcpus;
  r.memory_mib = v.memory_mib;
  r.root_disk_gib = v.root_disk_gib;
  r.key_name = v.key_name;
  r.host_id = v.host_id;
  r.host_name = v.host_name;
  r.host_state = v.host_state;
  r.availability_zone = v.availability_zone;
  r.state = v.state;
  r.reason_code = v.reason_code;
  r.reason_message = v.reason_message;
  r.desired_state = v.desired_state;
  r.mac_address = v.mac_address;
  r.private_ip = v.private_ip;
  r.client_token = v.client_token;
  r.launched_at = v.launched_at;
  r.state_changed_at = v.state_changed_at;
  r.placement_group_name = v.placement_group_name;
  r.public_key = s.Text(25);
  r.user_data = s.Blob(26);
  r.network = s.Text(27);
  r.force_stop = s.Int(28) != 0;
  r.reboot_token = s.Int(29);
  if (!s.IsNull(30)) r.terminated_at = s.Int(30);
  r.placement_group_id = s.Text(31);
  return r;
}

// SQL for one filter: a condition with one '?' per value.
std::string FilterCondition(const std::string& name, size_t values) {
  std::string placeholders;
  for (size_t i = 0; i < values; ++i) placeholders += i ? ",?" : "?";
  auto in = [&](const std::string& column) { return column + " IN (" + placeholders + ")"; };
  if (name == "instance-id") return in("i.instance_id");
  if (name == "instance-state-name") return in("i.state");
  if (name == "instance-type") return in("i.instance_type");
  if (name == "image-id") return in("i.image_id");
  if (name == "key-name") return in("i.key_name");
  if (name == "host-name") return in("h.name");
  if (name == "host-id") return in("i.host_id");
  if (name == "private-ip-address") return in("i.private_ip");
  if (name == "reservation-id") return in("i.reservation_id");
  if (name == "availability-zone") return in("i.availability_zone");
  if (name == "placement-group-name") return in("i.placement_group_name");
  if (name == "tag-key") {
    return "EXISTS (SELECT 1 FROM instance_tags t WHERE t.instance_id = i.instance_id AND " +
           in("t.key") + ")";
  }
  if (name.rfind("tag:", 0) == 0) {
    return "EXISTS (SELECT 1 FROM instance_tags t WHERE t.instance_id = i.instance_id AND "
           "t.key = ? AND " +
           in("t.value") + ")";
  }
  throw StoreError(0, "unknown instance filter " + name);
}

// The tags of the given instances, one query per batch instead of one per
// instance (a page of 100 paid 100 statements). The batch always has
// kTagBatch placeholders, so one prepared statement serves every page size:
// the unused ones are NULL, which IN never matches.
void ForEachTagOf(
    Database& db, const std::vector<std::string>& ids,
    const std::function<void(std::string_view, std::string_view, std::string_view)>& fn) {
  constexpr size_t kTagBatch = 100;
  static const std::string sql = [] {
    std::string placeholders;
    for (size_t i = 0; i < kTagBatch; ++i) placeholders += i ? ",?" : "?";
    return "SELECT instance_id, key, value FROM instance_tags WHERE instance_id IN (" +
           placeholders + ") ORDER BY instance_id, key";
  }();
  for (size_t first = 0; first < ids.size(); first += kTagBatch) {
    Statement s = db.Prepare(sql);
    const size_t n = std::min(kTagBatch, ids.size() - first);
    for (size_t i = 0; i < kTagBatch; ++i) {
      const int index = static_cast<int>(i + 1);
      if (i < n) {
        s.Bind(index, ids[first + i]);
      } else {
        s.BindNull(index);
      }
    }
    while (s.Step()) fn(s.TextView(0), s.TextView(1), s.TextView(2));
  }
}

}  // namespace

void InstanceRepository::Insert(const InstanceRecord& r) {
  Statement s = db_.Prepare(
      "INSERT INTO instances (instance_id, project_id, reservation_id, launch_index, image_id, "
      "instance_type, vcpus, memory_mib, root_disk_gib, key_name, public_key, user_data, host_id, "
      "availability_zone, state, state_reason_code, state_reason_message, desired_state, "
      "force_stop, reboot_token, mac_address, private_ip, network, client_token, launched_at, "
      "state_changed_at, placement_group_id, placement_group_name) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, r.instance_id)
      .Bind(2, r.project_id)
      .Bind(3, r.reservation_id)
      .Bind(4, r.launch_index)
      .Bind(5, r.image_id)
      .Bind(6, r.instance_type)
      .Bind(7, r.vcpus)
      .Bind(8, r.memory_mib)
      .Bind(9, r.root_disk_gib)
      .Bind(10, r.key_name)
      .Bind(11, r.public_key)
      .BindBlob(12, r.user_data)
      .Bind(13, r.host_id)
      .Bind(14, r.availability_zone)
      .Bind(15, r.state)
      .Bind(16, r.reason_code)
      .Bind(17, r.reason_message)
      .Bind(18, r.desired_state)
      .Bind(19, r.force_stop ? 1 : 0)
      .Bind(20, r.reboot_token)
      .Bind(21, r.mac_address);
  if (r.private_ip.empty()) {
    s.BindNull(22);
  } else {
    s.Bind(22, r.private_ip);
  }
  s.Bind(23, r.network)
      .Bind(24, r.client_token)
      .Bind(25, r.launched_at)
      .Bind(26, r.state_changed_at)
      .Bind(27, r.placement_group_id)
      .Bind(28, r.placement_group_name);
  s.Run();
  if (r.state != "terminated") {
    AddUsage(r.project_id, r.host_id, r.vcpus, r.memory_mib, r.root_disk_gib, +1,
             r.state == "pending" ? 1 : 0);
  }
  for (const auto& [key, value] : r.tags) {
    db_.Prepare("INSERT INTO instance_tags (instance_id, key, value) VALUES (?,?,?)")
        .Bind(1, r.instance_id)
        .Bind(2, key)
        .Bind(3, value)
        .Run();
  }
}

std::optional<InstanceRecord> InstanceRepository::Get(const std::string& instance_id) {
  Statement s = db_.Prepare("SELECT " + AllColumns() +
                            " FROM instances i JOIN hosts h ON h.host_id = i.host_id "
                            "WHERE i.instance_id = ?");
  s.Bind(1, instance_id);
  if (!s.Step()) return std::nullopt;
  InstanceRecord r = ReadRow(s);
  LoadTags(r);
  return r;
}

void InstanceRepository::ForEachListed(
    const InstanceQuery& q, const std::function<void(const ListedInstanceView&)>& row,
    const std::function<void(std::string_view, std::string_view, std::string_view)>& tag) {
  std::string sql = std::string("SELECT ") + kListedColumns +
                    " FROM instances i JOIN hosts h ON h.host_id = i.host_id WHERE i.seq > ?";
  if (!q.project_id.empty()) sql += " AND i.project_id = ?";
  if (!q.instance_ids.empty())
    sql += " AND " + FilterCondition("instance-id", q.instance_ids.size());
  for (const auto& [name, values] : q.filters)
    sql += " AND " + FilterCondition(name, values.size());
  sql += " ORDER BY i.seq LIMIT ?";
  Statement s = db_.Prepare(sql);
  int index = 1;
  s.Bind(index++, q.after_seq);
  if (!q.project_id.empty()) s.Bind(index++, q.project_id);
  for (const auto& id : q.instance_ids) s.Bind(index++, id);
  for (const auto& [name, values] : q.filters) {
    if (name.rfind("tag:", 0) == 0) s.Bind(index++, name.substr(4));
    for (const auto& value : values) s.Bind(index++, value);
  }
  s.Bind(index, q.limit);
  std::vector<std::string> ids;
  ids.reserve(static_cast<size_t>(std::clamp(q.limit, 0, 1024)));
  ListedInstanceView v;
  while (s.Step()) {
    ReadListed(s, &v);
    ids.emplace_back(v.instance_id);
    row(v);
  }
  ForEachTagOf(db_, ids, tag);
}

void InstanceRepository::ForEachDesiredOnHost(
    const std::string& host_id, const std::function<void(const DesiredInstanceView&)>& fn) {
  Statement s = db_.Prepare(
      "SELECT instance_id, image_id, desired_state, force_stop, reboot_token, vcpus, memory_mib, "
      "root_disk_gib, user_data, public_key, mac_address, private_ip, network FROM instances "
      "WHERE host_id = ? AND state != 'terminated' ORDER BY seq");
  s.Bind(1, host_id);
  DesiredInstanceView v;
  while (s.Step()) {
    v.instance_id = s.TextView(0);
    v.image_id = s.TextView(1);
    v.desired_state = s.TextView(2);
    v.force_stop = s.Int(3) != 0;
    v.reboot_token = s.Int(4);
    v.vcpus = static_cast<int>(s.Int(5));
    v.memory_mib = s.Int(6);
    v.root_disk_gib = s.Int(7);
    v.user_data = s.BlobView(8);
    v.public_key = s.TextView(9);
    v.mac_address = s.TextView(10);
    v.private_ip = s.TextView(11);
    v.network = s.TextView(12);
    fn(v);
  }
}

std::vector<InstanceRecord> InstanceRepository::ListInTransitionSince(int64_t cutoff) {
  Statement s = db_.Prepare("SELECT " + AllColumns() +
                            " FROM instances i JOIN hosts h ON h.host_id = i.host_id "
                            "WHERE i.state IN ('pending', 'stopping', 'shutting-down') "
                            "AND i.state_changed_at < ? ORDER BY i.state_changed_at");
  s.Bind(1, cutoff);
  std::vector<InstanceRecord> rows;
  while (s.Step()) rows.push_back(ReadRow(s));
  return rows;
}

void InstanceRepository::AddUsage(const std::string& project_id, const std::string& host_id,
                                  int64_t vcpus, int64_t memory_mib, int64_t disk_gib, int sign,
                                  int building) {
  db_.Prepare(
         "INSERT INTO project_usage (project_id, instances, vcpus, memory_mib, disk_gib) "
         "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (project_id) DO UPDATE SET "
         "instances = instances + ?2, vcpus = vcpus + ?3, memory_mib = memory_mib + ?4, "
         "disk_gib = disk_gib + ?5")
      .Bind(1, project_id)
      .Bind(2, sign)
      .Bind(3, sign * vcpus)
      .Bind(4, sign * memory_mib)
      .Bind(5, sign * disk_gib)
      .Run();
  db_.Prepare(
         "INSERT INTO host_usage (host_id, instances, vcpus, memory_mib, disk_gib, building) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (host_id) DO UPDATE SET "
         "instances = instances + ?2, vcpus = vcpus + ?3, memory_mib = memory_mib + ?4, "
         "disk_gib = disk_gib + ?5, building = building + ?6")
      .Bind(1, host_id)
      .Bind(2, sign)
      .Bind(3, sign * vcpus)
      .Bind(4, sign * memory_mib)
      .Bind(5, sign * disk_gib)
      .Bind(6, building)
      .Run();
}

void InstanceRepository::UpdateState(const std::string& instance_id, const std::string& state,
                                     const std::string& reason_code,
                                     const std::string& reason_message, int64_t at) {
  Statement old = db_.Prepare(
      "SELECT state, project_id, host_id, vcpus, memory_mib, root_disk_gib FROM instances "
      "WHERE instance_id = ?");
  if (!old.Bind(1, instance_id).Step()) return;
  const std::string from = old.Text(0);
  const std::string project_id = old.Text(1);
  const std::string host_id = old.Text(2);
  const int64_t vcpus = old.Int(3);
  const int64_t memory_mib = old.Int(4);
  const int64_t disk_gib = old.Int(5);
  db_.Prepare(
         "UPDATE instances SET state = ?, state_reason_code = ?, state_reason_message = ?, "
         "state_changed_at = ?, terminated_at = CASE WHEN ? = 'terminated' THEN ? ELSE NULL END "
         "WHERE instance_id = ?")
      .Bind(1, state)
      .Bind(2, reason_code)
      .Bind(3, reason_message)
      .Bind(4, at)
      .Bind(5, state)
      .Bind(6, at)
      .Bind(7, instance_id)
      .Run();
  // What the triggers of migration 2 did: leaving the living releases the
  // claims (and the build, if it was pending); entering or leaving pending
  // otherwise moves the host's build count.
  const int building = (state == "pending" ? 1 : 0) - (from == "pending" ? 1 : 0);
  if (from != "terminated" && state == "terminated") {
    AddUsage(project_id, host_id, vcpus, memory_mib, disk_gib, -1, from == "pending" ? -1 : 0);
  } else if (from != "terminated" && building != 0) {
    db_.Prepare("UPDATE host_usage SET building = building + ? WHERE host_id = ?")
        .Bind(1, building)
        .Bind(2, host_id)
        .Run();
  }
}

void InstanceRepository::UpdateDesired(const std::string& instance_id,
                                       const std::string& desired_state, bool force_stop) {
  db_.Prepare("UPDATE instances SET desired_state = ?, force_stop = ? WHERE instance_id = ?")
      .Bind(1, desired_state)
      .Bind(2, force_stop ? 1 : 0)
      .Bind(3, instance_id)
      .Run();
}

void InstanceRepository::BumpRebootToken(const std::string& instance_id) {
  db_.Prepare("UPDATE instances SET reboot_token = reboot_token + 1 WHERE instance_id = ?")
      .Bind(1, instance_id)
      .Run();
}

void InstanceRepository::SetPrivateIp(const std::string& instance_id, const std::string& ip) {
  Statement s = db_.Prepare("UPDATE instances SET private_ip = ? WHERE instance_id = ?");
  if (ip.empty()) {
    ++ip_releases_;
    s.BindNull(1);
  } else {
    s.Bind(1, ip);
  }
  s.Bind(2, instance_id).Run();
}

void InstanceRepository::SetStateReason(const std::string& instance_id,
                                        const std::string& reason_code,
                                        const std::string& reason_message) {
  db_.Prepare(
         "UPDATE instances SET state_reason_code = ?, state_reason_message = ? "
         "WHERE instance_id = ?")
      .Bind(1, reason_code)
      .Bind(2, reason_message)
      .Bind(3, instance_id)
      .Run();
}

int InstanceRepository::PurgeTerminatedBefore(int64_t cutoff) {
  db_.Prepare("DELETE FROM instances WHERE state = 'terminated' AND terminated_at < ?")
      .Bind(1, cutoff)
      .Run();
  return db_.Changes();
}

int InstanceRepository::CountActiveUsingImage(const std::string& image_id) {
  Statement s =
      db_.Prepare("SELECT COUNT(*) FROM instances WHERE image_id = ? AND state != 'terminated'");
  s.Bind(1, image_id).Step();
  return static_cast<int>(s.Int(0));
}

int InstanceRepository::CountActiveOfType(const std::string& instance_type) {
  Statement s = db_.Prepare(
      "SELECT COUNT(*) FROM instances WHERE instance_type = ? AND state != 'terminated'");
  s.Bind(1, instance_type).Step();
  return static_cast<int>(s.Int(0));
}

std::unordered_map<std::string, HostAllocation> InstanceRepository::AllocationByHost() {
  std::unordered_map<std::string, HostAllocation> out;
  ForEachHostAllocation([&out](std::string_view host_id, const HostAllocation& allocation) {
    out.emplace(host_id, allocation);
  });
  return out;
}

void InstanceRepository::ForEachHostAllocation(
    const std::function<void(std::string_view host_id, const HostAllocation&)>& fn) {
  // host_usage is kept exact by Insert and UpdateState (migration 7).
  Statement s = db_.Prepare(
      "SELECT host_id, vcpus, memory_mib, disk_gib, instances, building FROM host_usage "
      "WHERE instances > 0");
  while (s.Step()) {
    fn(s.TextView(0), HostAllocation{static_cast<int>(s.Int(1)), s.Int(2), s.Int(3),
                                     static_cast<int>(s.Int(4)), static_cast<int>(s.Int(5))});
  }
}

std::map<std::string, int> InstanceRepository::GroupMembersByHost(const std::string& group_id) {
  Statement s = db_.Prepare(
      "SELECT host_id, COUNT(*) FROM instances WHERE placement_group_id = ? "
      "AND state != 'terminated' GROUP BY host_id");
  s.Bind(1, group_id);
  std::map<std::string, int> out;
  while (s.Step()) out[s.Text(0)] = static_cast<int>(s.Int(1));
  return out;
}

ResourceAmounts InstanceRepository::RecountProjectUsage(const std::string& project_id) {
  Statement s = db_.Prepare(
      "SELECT COUNT(*), COALESCE(SUM(vcpus), 0), COALESCE(SUM(memory_mib), 0), "
      "COALESCE(SUM(root_disk_gib), 0) FROM instances WHERE project_id = ? "
      "AND state != 'terminated'");
  s.Bind(1, project_id).Step();
  return ResourceAmounts{s.Int(0), s.Int(1), s.Int(2), s.Int(3)};
}

bool InstanceRepository::MacInUse(const std::string& mac) {
  Statement s = db_.Prepare("SELECT 1 FROM instances WHERE mac_address = ?");
  return s.Bind(1, mac).Step();
}

std::vector<std::string> InstanceRepository::PrivateIpsInUse(const std::string& network) {
  Statement s =
      db_.Prepare("SELECT private_ip FROM instances WHERE network = ? AND private_ip IS NOT NULL");
  s.Bind(1, network);
  std::vector<std::string> out;
  while (s.Step()) out.push_back(s.Text(0));
  return out;
}

bool InstanceRepository::PrivateIpInUse(const std::string& network, const std::string& ip) {
  Statement s = db_.Prepare("SELECT 1 FROM instances WHERE network = ? AND private_ip = ? LIMIT 1");
  return s.Bind(1, network).Bind(2, ip).Step();
}

void InstanceRepository::LoadTags(InstanceRecord& record) {
  Statement s =
      db_.Prepare("SELECT key, value FROM instance_tags WHERE instance_id = ? ORDER BY key");
  s.Bind(1, record.instance_id);
  record.tags.clear();
  while (s.Step()) record.tags.emplace_back(s.Text(0), s.Text(1));
}

bool InstanceRepository::HostUsesBlob(const std::string& host_id, const std::string& sha256) {
  Statement s = db_.Prepare(
      "SELECT 1 FROM instances i JOIN images m ON m.image_id = i.image_id "
      "WHERE i.host_id = ? AND i.state != 'terminated' AND (m.sha256 = ?2 OR m.kernel_sha256 = ?2 "
      "OR m.ramdisk_sha256 = ?2) "
      "LIMIT 1");
  return s.Bind(1, host_id).Bind(2, sha256).Step();
}

}  // namespace gureum::controller
