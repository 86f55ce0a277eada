#include "cli/output/resource_tables.h"

#include <cstdio>
#include <string>

#include "cli/output/time_format.h"

namespace gureum::cli {
namespace {

// Schedulable capacity after overcommit: whole numbers without decimals.
std::string FormatCapacity(double capacity) {
  char buffer[32];
  if (capacity == static_cast<double>(static_cast<int64_t>(capacity))) {
    std::snprintf(buffer, sizeof(buffer), "%lld", static_cast<long long>(capacity));
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.1f", capacity);
  }
  return buffer;
}

// "allocated/capacity"; a controller that reports no capacity yet falls back to the
// physical size.
std::string Allocation(int64_t allocated, double capacity, int64_t physical) {
  return std::to_string(allocated) + "/" +
         (capacity > 0 ? FormatCapacity(capacity) : std::to_string(physical));
}

Cell StateCell(const v1::InstanceState& state) {
  return Cell(state.name(), InstanceStateStyle(state.name()));
}

}  // namespace

CellStyle InstanceStateStyle(std::string_view state) {
  if (state == "running") return CellStyle::kGood;
  if (state == "pending" || state == "stopping" || state == "shutting-down") {
    return CellStyle::kWarn;
  }
  if (state == "stopped") return CellStyle::kBad;
  if (state == "terminated") return CellStyle::kDim;
  return CellStyle::kPlain;
}

std::string TagValue(const Repeated<v1::Tag>& tags, std::string_view key) {
  for (const auto& tag : tags) {
    if (tag.key() == key) return tag.value();
  }
  return "";
}

std::string FormatBytes(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  value /= 1024;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f %s", value, kUnits[unit]);
  return buffer;
}

Table InstancesTable(const Repeated<v1::Instance>& instances) {
  Table table({"ID", "STATE", "TYPE", "IMAGE", "HOST", "PRIVATE-IP", "LAUNCHED", "NAME"});
  for (const auto& instance : instances) {
    // Placement carries the host id before the agent reports a host name.
    std::string host =
        instance.host_name().empty() ? instance.placement().host_id() : instance.host_name();
    table.AddRow({instance.instance_id(), StateCell(instance.state()), instance.instance_type(),
                  instance.image_id(), host, instance.private_ip_address(),
                  FormatTimestamp(instance.launch_time()), TagValue(instance.tags(), "Name")});
  }
  return table;
}

Table StateChangesTable(const Repeated<v1::InstanceStateChange>& changes) {
  Table table({"ID", "PREVIOUS", "CURRENT"});
  for (const auto& change : changes) {
    table.AddRow({change.instance_id(), StateCell(change.previous_state()),
                  StateCell(change.current_state())});
  }
  return table;
}

Table InstanceTypesTable(const Repeated<v1::InstanceTypeInfo>& types) {
  Table table({"TYPE", "VCPUS", "MEMORY-MIB", "ROOT-DISK-GIB", "HYPERVISOR"});
  for (const auto& type : types) {
    table.AddRow({type.instance_type(), std::to_string(type.vcpus()),
                  std::to_string(type.memory_mib()), std::to_string(type.root_disk_gib()),
                  type.hypervisor().empty() ? "any" : type.hypervisor()});
  }
  return table;
}

Table ImagesTable(const Repeated<v1::Image>& images) {
  Table table({"ID", "NAME", "STATE", "FORMAT", "BOOT", "SIZE", "CREATED"});
  for (const auto& image : images) {
    CellStyle style = image.state() == "available" ? CellStyle::kGood : CellStyle::kDim;
    // A kernel blob means the image boots directly (EC2's kernel/ramdisk style).
    std::string boot = image.kernel_sha256().empty() ? "disk" : "kernel";
    table.AddRow({image.image_id(), image.name(), Cell(image.state(), style), image.disk_format(),
                  boot, FormatBytes(image.size_bytes()), FormatTimestamp(image.creation_date())});
  }
  return table;
}

Table KeyPairsTable(const Repeated<v1::KeyPairInfo>& key_pairs) {
  Table table({"NAME", "ID", "TYPE", "FINGERPRINT", "CREATED"});
  for (const auto& key : key_pairs) {
    table.AddRow({key.key_name(), key.key_pair_id(), key.key_type(), key.key_fingerprint(),
                  FormatTimestamp(key.create_time())});
  }
  return table;
}

Table CreatedKeyPairTable(const v1::CreateKeyPairResponse& key_pair) {
  Table table({"NAME", "ID", "FINGERPRINT"});
  table.AddRow({key_pair.key_name(), key_pair.key_pair_id(), key_pair.key_fingerprint()});
  return table;
}

Table HostsTable(const Repeated<v1::Host>& hosts) {
  Table table({"ID", "NAME", "STATE", "ENABLED", "HYPERVISOR", "ZONE", "VCPUS", "MEMORY-MIB",
               "DISK-GIB", "INSTANCES", "BUILDING", "HEARTBEAT", "DISABLED-REASON"});
  for (const auto& host : hosts) {
    CellStyle style = host.state() == "up" ? CellStyle::kGood : CellStyle::kBad;
    std::string hypervisor = host.hypervisor_type();
    if (!host.virt_type().empty()) hypervisor += "/" + host.virt_type();
    table.AddRow(
        {host.host_id(), host.name(), Cell(host.state(), style),
         host.enabled() ? Cell("yes") : Cell("no", CellStyle::kWarn), hypervisor,
         host.availability_zone(),
         Allocation(host.allocated_vcpus(), host.vcpu_capacity(), host.vcpus()),
         Allocation(host.allocated_memory_mib(), host.memory_capacity_mib(), host.memory_mib()),
         Allocation(host.allocated_disk_gib(), host.disk_capacity_gib(), host.disk_gib()),
         std::to_string(host.instance_count()), std::to_string(host.building_count()),
         FormatTimestamp(host.last_heartbeat()), host.disabled_reason()});
  }
  return table;
}

Table AvailabilityZonesTable(const Repeated<v1::AvailabilityZone>& zones) {
  Table table({"ZONE", "STATE", "HOSTS", "VCPUS", "MEMORY-MIB", "DISK-GIB", "INSTANCES"});
  for (const auto& zone : zones) {
    CellStyle style = zone.state() == "available" ? CellStyle::kGood : CellStyle::kBad;
    table.AddRow(
        {zone.zone_name(), Cell(zone.state(), style),
         std::to_string(zone.hosts_available()) + "/" + std::to_string(zone.host_count()),
         std::to_string(zone.allocated_vcpus()) + "/" + FormatCapacity(zone.vcpu_capacity()),
         std::to_string(zone.allocated_memory_mib()) + "/" +
             FormatCapacity(zone.memory_capacity_mib()),
         std::to_string(zone.allocated_disk_gib()) + "/" + FormatCapacity(zone.disk_capacity_gib()),
         std::to_string(zone.instance_count())});
  }
  return table;
}

Table PlacementGroupsTable(const Repeated<v1::PlacementGroup>& groups) {
  Table table({"NAME", "ID", "STRATEGY", "STATE", "INSTANCES", "CREATED"});
  for (const auto& group : groups) {
    CellStyle style = group.state() == "available" ? CellStyle::kGood : CellStyle::kWarn;
    table.AddRow({group.group_name(), group.group_id(), group.strategy(),
                  Cell(group.state(), style), std::to_string(group.instance_count()),
                  FormatTimestamp(group.create_time())});
  }
  return table;
}

Table QuotasTable(const Repeated<v1::Quota>& quotas) {
  Table table({"PROJECT", "RESOURCE", "USAGE", "LIMIT"});
  for (const auto& quota : quotas) {
    bool unlimited = quota.limit() < 0;
    bool full = !unlimited && quota.usage() >= quota.limit();
    table.AddRow({quota.project_id(), quota.resource(),
                  Cell(std::to_string(quota.usage()), full ? CellStyle::kBad : CellStyle::kPlain),
                  unlimited ? "unlimited" : std::to_string(quota.limit())});
  }
  return table;
}

std::vector<std::string> EventHeaders() {
  return {"SEQ", "TIME", "RESOURCE", "TYPE", "CHANGE", "MESSAGE"};
}

std::vector<size_t> EventColumnWidths() { return {6, 20, 21, 26, 26, 0}; }

std::vector<Cell> EventRow(const v1::Event& event) {
  std::string change;
  if (!event.from_state().empty() || !event.to_state().empty()) {
    change = (event.from_state().empty() ? "-" : event.from_state()) + " -> " +
             (event.to_state().empty() ? "-" : event.to_state());
  }
  return {std::to_string(event.sequence()),
          FormatTimestamp(event.time()),
          event.resource_id(),
          event.type(),
          change,
          event.message()};
}

}  // namespace gureum::cli
