// Plain rows of the store's aggregates, as repositories read and write them.
// Values only: no behaviour, no locking.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gureum::controller {

using TagList = std::vector<std::pair<std::string, std::string>>;

struct InstanceRecord {
  int64_t seq = 0;
  std::string instance_id;
  std::string project_id;
  std::string reservation_id;
  int launch_index = 0;
  std::string image_id;
  std::string instance_type;
  int vcpus = 0;
  int64_t memory_mib = 0;
  int64_t root_disk_gib = 0;
  std::string key_name;
  std::string public_key;
  std::string user_data;
  std::string host_id;
  std::string host_name;   // read-only, joined from hosts
  std::string host_state;  // read-only, joined from hosts
  std::string availability_zone;
  std::string state;
  std::string reason_code;
  std::string reason_message;
  std::string desired_state;
  bool force_stop = false;
  int64_t reboot_token = 0;
  std::string mac_address;
  std::string private_ip;
  std::string network;
  std::string client_token;
  int64_t launched_at = 0;
  int64_t state_changed_at = 0;
  std::optional<int64_t> terminated_at;
  std::string placement_group_id;    // empty = none
  std::string placement_group_name;  // kept with the instance (names never change)
  TagList tags;
};

// What an agent is told of one instance (DesiredSetBuilder): only the columns
// of instances that the desired set carries, read without the join to hosts,
// as views of SQLite's columns (no copies): valid only during the
// ForEachDesiredOnHost call that passes it.
struct DesiredInstanceView {
  std::string_view instance_id;
  std::string_view image_id;
  std::string_view desired_state;
  bool force_stop = false;
  int64_t reboot_token = 0;
  int vcpus = 0;
  int64_t memory_mib = 0;
  int64_t root_disk_gib = 0;
  std::string_view user_data;
  std::string_view public_key;
  std::string_view mac_address;
  std::string_view private_ip;
  std::string_view network;
};

// What an API listing (DescribeInstances, the instances of a new
// reservation) shows of one instance: the columns of instances and hosts that
// v1::Instance carries, without user_data and public_key (the largest, shown
// by no listing) and without tags, as views of SQLite's columns: valid only
// during the ForEachListed call that passes it.
struct ListedInstanceView {
  int64_t seq = 0;
  std::string_view instance_id;
  std::string_view project_id;
  std::string_view reservation_id;
  int launch_index = 0;
  std::string_view image_id;
  std::string_view instance_type;
  int vcpus = 0;
  int64_t memory_mib = 0;
  int64_t root_disk_gib = 0;
  std::string_view key_name;
  std::string_view host_id;
  std::string_view host_name;
  std::string_view host_state;
  std::string_view availability_zone;
  std::string_view state;
  std::string_view reason_code;
  std::string_view reason_message;
  std::string_view desired_state;
  std::string_view mac_address;
  std::string_view private_ip;
  std::string_view client_token;
  int64_t launched_at = 0;
  int64_t state_changed_at = 0;
  std::string_view placement_group_name;
};

struct ImageRecord {
  std::string image_id;
  std::string project_id;
  std::string name;
  std::string description;
  std::string state;
  std::string disk_format;
  int64_t size_bytes = 0;
  int64_t virtual_size_bytes = 0;
  std::string sha256;
  std::string kernel_sha256;
  std::string ramdisk_sha256;
  std::string kernel_args;
  int64_t created_at = 0;
  bool is_public = false;  // launchable by every project
};

struct KeyPairRecord {
  std::string key_pair_id;
  std::string project_id;
  std::string key_name;
  std::string key_type;
  std::string fingerprint;
  std::string public_key;
  int64_t created_at = 0;
};

struct InstanceTypeRecord {
  std::string name;
  int vcpus = 0;
  int64_t memory_mib = 0;
  int64_t root_disk_gib = 0;
  std::string hypervisor;  // virt type the type needs; empty = any
};

struct HostRecord {
  std::string host_id;
  std::string name;
  std::string state;  // up | unreachable
  bool enabled = true;
  std::string disabled_reason;
  std::string hypervisor_type;
  std::string virt_type;
  int vcpus = 0;
  int64_t memory_mib = 0;
  int64_t disk_gib = 0;
  std::string availability_zone;
  std::string agent_version;
  int64_t registered_at = 0;
  int64_t last_heartbeat = 0;
};

// What instances on a host hold (every state but terminated).
struct HostAllocation {
  int vcpus = 0;
  int64_t memory_mib = 0;
  int64_t disk_gib = 0;
  int instance_count = 0;
  int building = 0;  // instances in state pending
};

struct PlacementGroupRecord {
  std::string group_id;
  std::string project_id;
  std::string group_name;
  std::string strategy;  // spread | cluster
  int64_t created_at = 0;
  TagList tags;
};

// A project's limits (-1 = unlimited) or usage, in the same four resources.
struct ResourceAmounts {
  int64_t instances = 0;
  int64_t vcpus = 0;
  int64_t memory_mib = 0;
  int64_t disk_gib = 0;
};

struct EventRecord {
  int64_t seq = 0;
  int64_t time = 0;
  std::string request_id;
  std::string actor;
  std::string project_id;
  std::string resource_type;
  std::string resource_id;
  std::string type;
  std::string message;
  std::string from_state;
  std::string to_state;
};

struct ProjectRecord {
  std::string project_id;
  std::string description;
  int64_t created_at = 0;
};

struct RoleBindingRecord {
  std::string project_id;
  std::string role;  // admin | member | reader
};

struct UserRecord {
  std::string user_name;
  std::string default_project;
  int64_t created_at = 0;
  std::vector<RoleBindingRecord> roles;  // ordered by project
};

struct AccessKeyRecord {
  std::string access_key_id;
  std::string user_name;
  std::string salt;
  std::string secret_hash;
  std::string status;  // active | inactive
  int64_t created_at = 0;
  int64_t expires_at = 0;  // 0: never
};

struct AuditRecord {
  int64_t seq = 0;
  int64_t time = 0;
  std::string request_id;
  std::string user_name;
  std::string access_key_id;
  std::string project_id;
  std::string source;
  std::string operation;
  std::string parameters;  // JSON, secrets redacted
  std::string outcome;     // OK or an error code
  std::string message;
};

}  // namespace gureum::controller
