#include "controller/core/instance_view.h"

#include "controller/core/instance_state.h"

namespace gureum::controller {

void SetTimestamp(google::protobuf::Timestamp* ts, int64_t millis) {
  ts->set_seconds(millis / 1000);
  ts->set_nanos(static_cast<int32_t>((millis % 1000) * 1'000'000));
}

v1::InstanceState ApiState(const std::string& state_name) {
  v1::InstanceState out;
  out.set_name(state_name);
  if (auto state = ParseState(state_name)) out.set_code(StateCode(*state));
  return out;
}

void ToApiInstance(const ListedInstanceView& v, v1::Instance* out) {
  // Instance status as EC2's status checks summarise it: unknown while the
  // host cannot be reached, ok once running.
  const char* status = "";
  if (v.state == "terminated") {
    status = "";
  } else if (v.host_state != "up") {
    status = "unknown";
  } else if (v.state == "running") {
    status = "ok";
  } else if (v.state == "pending") {
    status = "initializing";
  }
  out->set_instance_status(status);
  out->set_instance_id(v.instance_id.data(), v.instance_id.size());
  out->set_image_id(v.image_id.data(), v.image_id.size());
  out->set_instance_type(v.instance_type.data(), v.instance_type.size());
  out->set_key_name(v.key_name.data(), v.key_name.size());
  v1::InstanceState* state = out->mutable_state();
  if (auto parsed = ParseState(v.state)) state->set_code(StateCode(*parsed));
  state->set_name(v.state.data(), v.state.size());
  out->mutable_state_reason()->set_code(v.reason_code.data(), v.reason_code.size());
  out->mutable_state_reason()->set_message(v.reason_message.data(), v.reason_message.size());
  SetTimestamp(out->mutable_launch_time(), v.launched_at);
  SetTimestamp(out->mutable_state_transition_time(), v.state_changed_at);
  v1::Placement* placement = out->mutable_placement();
  placement->set_availability_zone(v.availability_zone.data(), v.availability_zone.size());
  placement->set_host_id(v.host_id.data(), v.host_id.size());
  placement->set_group_name(v.placement_group_name.data(), v.placement_group_name.size());
  out->set_host_name(v.host_name.data(), v.host_name.size());
  out->set_private_ip_address(v.private_ip.data(), v.private_ip.size());
  out->set_mac_address(v.mac_address.data(), v.mac_address.size());
  out->set_reservation_id(v.reservation_id.data(), v.reservation_id.size());
  out->set_owner_id(v.project_id.data(), v.project_id.size());
  out->set_ami_launch_index(v.launch_index);
  out->set_client_token(v.client_token.data(), v.client_token.size());
  out->set_vcpus(v.vcpus);
  out->set_memory_mib(v.memory_mib);
  out->set_root_disk_gib(v.root_disk_gib);
  out->set_desired_state(v.desired_state.data(), v.desired_state.size());
}

v1::Image ToApiImage(const ImageRecord& r) {
  v1::Image out;
  out.set_image_id(r.image_id);
  out.set_name(r.name);
  out.set_description(r.description);
  out.set_state(r.state);
  out.set_disk_format(r.disk_format);
  out.set_size_bytes(r.size_bytes);
  out.set_virtual_size_bytes(r.virtual_size_bytes);
  out.set_sha256(r.sha256);
  SetTimestamp(out.mutable_creation_date(), r.created_at);
  out.set_owner_id(r.project_id);
  out.set_architecture("x86_64");
  out.set_kernel_sha256(r.kernel_sha256);
  out.set_ramdisk_sha256(r.ramdisk_sha256);
  out.set_kernel_args(r.kernel_args);
  out.set_public_(r.is_public);
  return out;
}

v1::KeyPairInfo ToApiKeyPair(const KeyPairRecord& r) {
  v1::KeyPairInfo out;
  out.set_key_pair_id(r.key_pair_id);
  out.set_key_name(r.key_name);
  out.set_key_fingerprint(r.fingerprint);
  out.set_key_type(r.key_type);
  out.set_public_key(r.public_key);
  SetTimestamp(out.mutable_create_time(), r.created_at);
  return out;
}

v1::InstanceTypeInfo ToApiInstanceType(const InstanceTypeRecord& r) {
  v1::InstanceTypeInfo out;
  out.set_instance_type(r.name);
  out.set_vcpus(r.vcpus);
  out.set_memory_mib(r.memory_mib);
  out.set_root_disk_gib(r.root_disk_gib);
  out.set_hypervisor(r.hypervisor);
  return out;
}

v1::PlacementGroup ToApiPlacementGroup(const PlacementGroupRecord& r, int instance_count) {
  v1::PlacementGroup out;
  out.set_group_id(r.group_id);
  out.set_group_name(r.group_name);
  out.set_strategy(r.strategy);
  out.set_state("available");
  out.set_owner_id(r.project_id);
  SetTimestamp(out.mutable_create_time(), r.created_at);
  out.set_instance_count(instance_count);
  for (const auto& [key, value] : r.tags) {
    auto* tag = out.add_tags();
    tag->set_key(key);
    tag->set_value(value);
  }
  return out;
}

v1::Host ToApiHost(const HostRecord& r, const HostAllocation& a, const OvercommitRatios& ratios,
                   int cached_image_count) {
  v1::Host out;
  out.set_host_id(r.host_id);
  out.set_name(r.name);
  out.set_state(r.state);
  out.set_enabled(r.enabled);
  out.set_hypervisor_type(r.hypervisor_type);
  out.set_virt_type(r.virt_type);
  out.set_vcpus(r.vcpus);
  out.set_memory_mib(r.memory_mib);
  out.set_disk_gib(r.disk_gib);
  out.set_allocated_vcpus(a.vcpus);
  out.set_allocated_memory_mib(a.memory_mib);
  out.set_allocated_disk_gib(a.disk_gib);
  out.set_instance_count(a.instance_count);
  SetTimestamp(out.mutable_last_heartbeat(), r.last_heartbeat);
  out.set_availability_zone(r.availability_zone);
  out.set_agent_version(r.agent_version);
  out.set_disabled_reason(r.disabled_reason);
  out.set_vcpu_capacity(r.vcpus * ratios.cpu);
  out.set_memory_capacity_mib(static_cast<double>(r.memory_mib) * ratios.ram);
  out.set_disk_capacity_gib(static_cast<double>(r.disk_gib) * ratios.disk);
  out.set_building_count(a.building);
  out.set_cached_image_count(cached_image_count);
  return out;
}

v1::Event ToApiEvent(const EventRecord& r) {
  v1::Event out;
  out.set_sequence(r.seq);
  SetTimestamp(out.mutable_time(), r.time);
  out.set_request_id(r.request_id);
  out.set_actor(r.actor);
  out.set_owner_id(r.project_id);
  out.set_resource_type(r.resource_type);
  out.set_resource_id(r.resource_id);
  out.set_type(r.type);
  out.set_message(r.message);
  out.set_from_state(r.from_state);
  out.set_to_state(r.to_state);
  return out;
}

}  // namespace gureum::controller
