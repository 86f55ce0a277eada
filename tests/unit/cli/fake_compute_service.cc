#include "tests/unit/cli/fake_compute_service.h"

#include <algorithm>

#include "common/api_error.h"

namespace gureum::cli::testing {
namespace {

grpc::Status Error(absl::Status status) { return ToGrpcStatus(status, "req-fake"); }

void SetState(v1::Instance& instance, const std::string& state) {
  instance.mutable_state()->set_name(state);
  instance.mutable_state()->set_code(StateCode(state));
}

}  // namespace

int StateCode(const std::string& state) {
  static const std::map<std::string, int> kCodes = {{"pending", 0},        {"running", 16},
                                                    {"shutting-down", 32}, {"terminated", 48},
                                                    {"stopping", 64},      {"stopped", 80}};
  auto it = kCodes.find(state);
  return it == kCodes.end() ? -1 : it->second;
}

FakeComputeService::FakeComputeService() : ids_(42), launch_states_({"pending", "running"}) {
  v1::Host host;
  host.set_host_id("h-0123456789abcdef0");
  host.set_name("host-1");
  host.set_state("up");
  host.set_enabled(true);
  host.set_hypervisor_type("fake");
  host.set_virt_type("fake");
  host.set_vcpus(8);
  host.set_memory_mib(16384);
  host.set_disk_gib(200);
  host.set_availability_zone("zone-a");
  host.set_vcpu_capacity(32);
  host.set_memory_capacity_mib(24576);
  host.set_disk_capacity_gib(200);
  host.set_allocated_vcpus(6);
  host.set_allocated_memory_mib(6144);
  host.set_allocated_disk_gib(30);
  host.set_instance_count(3);
  host.set_building_count(1);
  hosts_.push_back(host);
  host.set_host_id("h-0fedcba9876543210");
  host.set_name("host-2");
  host.set_state("down");
  host.set_availability_zone("zone-b");
  host.set_allocated_vcpus(0);
  host.set_allocated_memory_mib(0);
  host.set_allocated_disk_gib(0);
  host.set_instance_count(0);
  host.set_building_count(0);
  hosts_.push_back(host);
  for (const char* resource : {"instances", "vcpus", "memory-mib", "disk-gib"}) {
    v1::Quota quota;
    quota.set_project_id("p-default");
    quota.set_resource(resource);
    quota.set_limit(-1);
    quotas_.push_back(quota);
  }
}

void FakeComputeService::SetLaunchStates(std::vector<std::string> states) {
  std::lock_guard<std::mutex> lock(mutex_);
  launch_states_ = std::move(states);
}

void FakeComputeService::ScriptStates(const std::string& instance_id,
                                      std::vector<std::string> states,
                                      const std::string& reason_code,
                                      const std::string& reason_message) {
  std::lock_guard<std::mutex> lock(mutex_);
  InstanceRecord* record = Find(instance_id);
  if (record == nullptr) return;
  record->upcoming_states.assign(states.begin(), states.end());
  record->upcoming_reason.set_code(reason_code);
  record->upcoming_reason.set_message(reason_message);
}

void FakeComputeService::FailNext(const std::string& operation, const absl::Status& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  failures_[operation] = Error(status);
}

void FakeComputeService::FailNextWithTransportStatus(const std::string& operation,
                                                     const grpc::Status& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  failures_[operation] = status;
}

void FakeComputeService::SetPageSize(int page_size) {
  std::lock_guard<std::mutex> lock(mutex_);
  page_size_ = page_size;
}

void FakeComputeService::SetConsoleOutput(std::string output) {
  std::lock_guard<std::mutex> lock(mutex_);
  console_output_ = std::move(output);
}

void FakeComputeService::AddEvent(v1::Event event) {
  std::lock_guard<std::mutex> lock(mutex_);
  events_.push_back(std::move(event));
}

void FakeComputeService::AddInstance(v1::Instance instance) {
  std::lock_guard<std::mutex> lock(mutex_);
  instances_.push_back(InstanceRecord{std::move(instance), {}, {}});
}

v1::Instance FakeComputeService::GetInstance(const std::string& instance_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  InstanceRecord* record = Find(instance_id);
  return record == nullptr ? v1::Instance() : record->instance;
}

std::vector<std::string> FakeComputeService::ApiKeys(const std::string& operation) {
  std::lock_guard<std::mutex> lock(mutex_);
  return api_keys_[operation];
}

int FakeComputeService::CallCount(const std::string& operation) {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(requests_[operation].size());
}

grpc::Status FakeComputeService::Begin(grpc::ServerContext* context, const std::string& operation,
                                       const google::protobuf::Message& request) {
  requests_[operation].push_back(request.SerializeAsString());
  const auto& metadata = context->client_metadata();
  auto key = metadata.find("x-gureum-api-key");
  api_keys_[operation].push_back(
      key == metadata.end() ? "" : std::string(key->second.data(), key->second.size()));
  auto failure = failures_.find(operation);
  if (failure == failures_.end()) return grpc::Status::OK;
  grpc::Status status = failure->second;
  failures_.erase(failure);
  return status;
}

FakeComputeService::InstanceRecord* FakeComputeService::Find(const std::string& instance_id) {
  for (auto& record : instances_) {
    if (record.instance.instance_id() == instance_id) return &record;
  }
  return nullptr;
}

grpc::Status FakeComputeService::RunInstances(grpc::ServerContext* context,
                                              const v1::RunInstancesRequest* request,
                                              v1::RunInstancesResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "RunInstances", *request); !failed.ok()) return failed;
  if (request->image_id().empty()) return Error(InvalidParameter("ImageId", "ImageId is required"));
  if (request->min_count() < 1 || request->max_count() < request->min_count()) {
    return Error(InvalidParameter("MaxCount", "MinCount and MaxCount are out of range"));
  }
  if (request->dry_run()) {
    return Error(ApiError(absl::StatusCode::kFailedPrecondition, errc::kDryRunOperation, "",
                          "Request would have succeeded, but DryRun flag is set."));
  }
  response->set_reservation_id(ids_.Next("r"));
  response->set_owner_id("p-default");
  for (int i = 0; i < request->max_count(); ++i) {
    InstanceRecord record;
    v1::Instance& instance = record.instance;
    instance.set_instance_id(ids_.Next("i"));
    instance.set_image_id(request->image_id());
    instance.set_instance_type(request->instance_type());
    instance.set_key_name(request->key_name());
    instance.set_reservation_id(response->reservation_id());
    instance.set_ami_launch_index(i);
    instance.set_desired_state("running");
    *instance.mutable_tags() = request->tags();
    instance.mutable_launch_time()->set_seconds(1'700'000'000);
    SetState(instance, "pending");
    record.upcoming_states.assign(launch_states_.begin(), launch_states_.end());
    *response->add_instances() = instance;
    instances_.push_back(std::move(record));
  }
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::DescribeInstances(grpc::ServerContext* context,
                                                   const v1::DescribeInstancesRequest* request,
                                                   v1::DescribeInstancesResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "DescribeInstances", *request); !failed.ok()) return failed;
  for (const auto& id : request->instance_ids()) {
    if (Find(id) == nullptr) {
      return Error(NotFoundError(errc::kInvalidInstanceIdNotFound, "InstanceId",
                                 "The instance ID '" + id + "' does not exist"));
    }
  }
  // Time passes for every instance with each look at them.
  for (auto& record : instances_) {
    if (record.upcoming_states.empty()) continue;
    SetState(record.instance, record.upcoming_states.front());
    record.upcoming_states.pop_front();
    if (!record.upcoming_reason.code().empty()) {
      *record.instance.mutable_state_reason() = record.upcoming_reason;
    }
  }
  std::vector<const v1::Instance*> matching;
  for (const auto& record : instances_) {
    const v1::Instance& instance = record.instance;
    if (!request->instance_ids().empty() &&
        std::find(request->instance_ids().begin(), request->instance_ids().end(),
                  instance.instance_id()) == request->instance_ids().end()) {
      continue;
    }
    bool keep = true;
    for (const auto& filter : request->filters()) {
      std::string value;
      if (filter.name() == "instance-state-name") {
        value = instance.state().name();
      } else if (filter.name().rfind("tag:", 0) == 0) {
        for (const auto& tag : instance.tags()) {
          if (tag.key() == filter.name().substr(4)) value = tag.value();
        }
      } else {
        return Error(ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidFilter, "Filter",
                              "The filter '" + filter.name() + "' is invalid"));
      }
      keep = keep && std::find(filter.values().begin(), filter.values().end(), value) !=
                         filter.values().end();
    }
    if (keep) matching.push_back(&instance);
  }
  size_t offset = 0;
  if (!request->next_token().empty()) {
    try {
      offset = std::stoul(request->next_token());
    } catch (...) {
      return Error(ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidNextToken,
                            "NextToken", "The token is invalid"));
    }
  }
  size_t page = request->max_results() > 0 ? static_cast<size_t>(request->max_results())
                                           : static_cast<size_t>(page_size_);
  page = std::min(page, static_cast<size_t>(page_size_));
  size_t end = std::min(matching.size(), offset + page);
  for (size_t i = offset; i < end; ++i) *response->add_instances() = *matching[i];
  if (end < matching.size()) response->set_next_token(std::to_string(end));
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::ChangeStates(
    const google::protobuf::RepeatedPtrField<std::string>& ids, const std::string& via_state,
    const std::string& final_state, const std::string& desired_state,
    v1::InstanceStateChangeResponse* response) {
  for (const auto& id : ids) {
    if (Find(id) == nullptr) {
      return Error(NotFoundError(errc::kInvalidInstanceIdNotFound, "InstanceId",
                                 "The instance ID '" + id + "' does not exist"));
    }
  }
  for (const auto& id : ids) {
    InstanceRecord* record = Find(id);
    v1::InstanceStateChange* change = response->add_instances();
    change->set_instance_id(id);
    *change->mutable_previous_state() = record->instance.state();
    SetState(record->instance, via_state);
    record->instance.set_desired_state(desired_state);
    record->upcoming_states = {via_state, final_state};
    *change->mutable_current_state() = record->instance.state();
  }
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::StartInstances(grpc::ServerContext* context,
                                                const v1::StartInstancesRequest* request,
                                                v1::InstanceStateChangeResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "StartInstances", *request); !failed.ok()) return failed;
  return ChangeStates(request->instance_ids(), "pending", "running", "running", response);
}

grpc::Status FakeComputeService::StopInstances(grpc::ServerContext* context,
                                               const v1::StopInstancesRequest* request,
                                               v1::InstanceStateChangeResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "StopInstances", *request); !failed.ok()) return failed;
  return ChangeStates(request->instance_ids(), "stopping", "stopped", "stopped", response);
}

grpc::Status FakeComputeService::RebootInstances(grpc::ServerContext* context,
                                                 const v1::RebootInstancesRequest* request,
                                                 v1::RebootInstancesResponse*) {
  std::lock_guard<std::mutex> lock(mutex_);
  return Begin(context, "RebootInstances", *request);
}

grpc::Status FakeComputeService::TerminateInstances(grpc::ServerContext* context,
                                                    const v1::TerminateInstancesRequest* request,
                                                    v1::InstanceStateChangeResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "TerminateInstances", *request); !failed.ok()) return failed;
  return ChangeStates(request->instance_ids(), "shutting-down", "terminated", "terminated",
                      response);
}

grpc::Status FakeComputeService::GetConsoleOutput(grpc::ServerContext* context,
                                                  const v1::GetConsoleOutputRequest* request,
                                                  v1::GetConsoleOutputResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "GetConsoleOutput", *request); !failed.ok()) return failed;
  response->set_instance_id(request->instance_id());
  response->set_output(console_output_);
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::DescribeInstanceTypes(
    grpc::ServerContext* context, const v1::DescribeInstanceTypesRequest* request,
    v1::DescribeInstanceTypesResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "DescribeInstanceTypes", *request); !failed.ok()) return failed;
  for (const auto& [name, type] : instance_types_) *response->add_instance_types() = type;
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::CreateInstanceType(grpc::ServerContext* context,
                                                    const v1::CreateInstanceTypeRequest* request,
                                                    v1::InstanceTypeInfo* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "CreateInstanceType", *request); !failed.ok()) return failed;
  instance_types_[request->instance_type().instance_type()] = request->instance_type();
  *response = request->instance_type();
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::DeleteInstanceType(grpc::ServerContext* context,
                                                    const v1::DeleteInstanceTypeRequest* request,
                                                    v1::DeleteInstanceTypeResponse*) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "DeleteInstanceType", *request); !failed.ok()) return failed;
  if (instance_types_.erase(request->instance_type()) == 0) {
    return Error(
        NotFoundError(errc::kInvalidInstanceType, "InstanceType",
                      "The instance type '" + request->instance_type() + "' does not exist"));
  }
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::DescribeImages(grpc::ServerContext* context,
                                                const v1::DescribeImagesRequest* request,
                                                v1::DescribeImagesResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "DescribeImages", *request); !failed.ok()) return failed;
  for (const auto& image : images_) *response->add_images() = image;
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::ImportImage(grpc::ServerContext* context,
                                             const v1::ImportImageRequest* request,
                                             v1::Image* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "ImportImage", *request); !failed.ok()) return failed;
  v1::Image image;
  image.set_image_id(ids_.Next("ami"));
  image.set_name(request->name());
  image.set_description(request->description());
  image.set_state("available");
  image.set_disk_format("qcow2");
  image.set_size_bytes(1536 * 1024);
  if (!request->kernel_path().empty()) image.set_kernel_sha256("abc123");
  images_.push_back(image);
  *response = image;
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::DeregisterImage(grpc::ServerContext* context,
                                                 const v1::DeregisterImageRequest* request,
                                                 v1::DeregisterImageResponse*) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "DeregisterImage", *request); !failed.ok()) return failed;
  for (auto& image : images_) {
    if (image.image_id() == request->image_id()) {
      image.set_state("deregistered");
      return grpc::Status::OK;
    }
  }
  return Error(NotFoundError(errc::kInvalidAmiIdNotFound, "ImageId",
                             "The image id '" + request->image_id() + "' does not exist"));
}

grpc::Status FakeComputeService::CreateKeyPair(grpc::ServerContext* context,
                                               const v1::CreateKeyPairRequest* request,
                                               v1::CreateKeyPairResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "CreateKeyPair", *request); !failed.ok()) return failed;
  for (const auto& key : key_pairs_) {
    if (key.key_name() == request->key_name()) {
      return Error(ApiError(absl::StatusCode::kAlreadyExists, errc::kInvalidKeyPairDuplicate,
                            "KeyName",
                            "The keypair '" + request->key_name() + "' already exists."));
    }
  }
  v1::KeyPairInfo key;
  key.set_key_pair_id(ids_.Next("key"));
  key.set_key_name(request->key_name());
  key.set_key_type(request->key_type().empty() ? "rsa" : request->key_type());
  key.set_key_fingerprint("SHA256:" + ids_.Hex(16));
  key_pairs_.push_back(key);
  response->set_key_pair_id(key.key_pair_id());
  response->set_key_name(key.key_name());
  response->set_key_fingerprint(key.key_fingerprint());
  // Stands in for a private key: what matters to the CLI is that it is passed on
  // byte for byte.
  response->set_key_material("-----BEGIN PRIVATE KEY-----\n" + ids_.Hex(32) +
                             "\n-----END PRIVATE KEY-----\n");
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::ImportKeyPair(grpc::ServerContext* context,
                                               const v1::ImportKeyPairRequest* request,
                                               v1::KeyPairInfo* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "ImportKeyPair", *request); !failed.ok()) return failed;
  v1::KeyPairInfo key;
  key.set_key_pair_id(ids_.Next("key"));
  key.set_key_name(request->key_name());
  key.set_key_type(request->public_key_material().rfind("ssh-ed25519", 0) == 0 ? "ed25519" : "rsa");
  key.set_public_key(request->public_key_material());
  key_pairs_.push_back(key);
  *response = key;
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::DescribeKeyPairs(grpc::ServerContext* context,
                                                  const v1::DescribeKeyPairsRequest* request,
                                                  v1::DescribeKeyPairsResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "DescribeKeyPairs", *request); !failed.ok()) return failed;
  for (const auto& key : key_pairs_) *response->add_key_pairs() = key;
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::DeleteKeyPair(grpc::ServerContext* context,
                                               const v1::DeleteKeyPairRequest* request,
                                               v1::DeleteKeyPairResponse*) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "DeleteKeyPair", *request); !failed.ok()) return failed;
  auto removed = std::remove_if(key_pairs_.begin(), key_pairs_.end(), [&](const auto& key) {
    return key.key_name() == request->key_name() || key.key_pair_id() == request->key_pair_id();
  });
  key_pairs_.erase(removed, key_pairs_.end());
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::DescribeHosts(grpc::ServerContext* context,
                                               const v1::DescribeHostsRequest* request,
                                               v1::DescribeHostsResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "DescribeHosts", *request); !failed.ok()) return failed;
  for (const auto& host : hosts_) *response->add_hosts() = host;
  return grpc::Status::OK;
}

v1::Host* FakeComputeService::FindHost(const std::string& id_or_name) {
  for (auto& host : hosts_) {
    if (host.host_id() == id_or_name || host.name() == id_or_name) return &host;
  }
  return nullptr;
}

grpc::Status FakeComputeService::DisableHost(grpc::ServerContext* context,
                                             const v1::DisableHostRequest* request,
                                             v1::Host* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "DisableHost", *request); !failed.ok()) return failed;
  v1::Host* host = FindHost(request->host_id());
  if (host == nullptr) {
    return Error(NotFoundError(errc::kInvalidHostIdNotFound, "HostId",
                               "The host '" + request->host_id() + "' does not exist"));
  }
  host->set_enabled(false);
  host->set_disabled_reason(request->reason());
  *response = *host;
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::EnableHost(grpc::ServerContext* context,
                                            const v1::EnableHostRequest* request,
                                            v1::Host* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "EnableHost", *request); !failed.ok()) return failed;
  v1::Host* host = FindHost(request->host_id());
  if (host == nullptr) {
    return Error(NotFoundError(errc::kInvalidHostIdNotFound, "HostId",
                               "The host '" + request->host_id() + "' does not exist"));
  }
  host->set_enabled(true);
  host->clear_disabled_reason();
  *response = *host;
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::DescribeAvailabilityZones(
    grpc::ServerContext* context, const v1::DescribeAvailabilityZonesRequest* request,
    v1::DescribeAvailabilityZonesResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "DescribeAvailabilityZones", *request); !failed.ok()) {
    return failed;
  }
  std::map<std::string, v1::AvailabilityZone> zones;
  for (const auto& host : hosts_) {
    const std::string& name = host.availability_zone();
    if (!request->zone_names().empty() &&
        std::find(request->zone_names().begin(), request->zone_names().end(), name) ==
            request->zone_names().end()) {
      continue;
    }
    v1::AvailabilityZone& zone = zones[name];
    zone.set_zone_name(name);
    zone.set_host_count(zone.host_count() + 1);
    zone.set_allocated_vcpus(zone.allocated_vcpus() + host.allocated_vcpus());
    zone.set_allocated_memory_mib(zone.allocated_memory_mib() + host.allocated_memory_mib());
    zone.set_allocated_disk_gib(zone.allocated_disk_gib() + host.allocated_disk_gib());
    zone.set_instance_count(zone.instance_count() + host.instance_count());
    if (host.state() == "up" && host.enabled()) {
      zone.set_hosts_available(zone.hosts_available() + 1);
      zone.set_vcpu_capacity(zone.vcpu_capacity() + host.vcpu_capacity());
      zone.set_memory_capacity_mib(zone.memory_capacity_mib() + host.memory_capacity_mib());
      zone.set_disk_capacity_gib(zone.disk_capacity_gib() + host.disk_capacity_gib());
    }
    zone.set_state(zone.hosts_available() > 0 ? "available" : "unavailable");
  }
  for (const auto& [name, zone] : zones) *response->add_availability_zones() = zone;
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::CreatePlacementGroup(
    grpc::ServerContext* context, const v1::CreatePlacementGroupRequest* request,
    v1::PlacementGroup* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "CreatePlacementGroup", *request); !failed.ok()) return failed;
  if (request->strategy() != "spread" && request->strategy() != "cluster") {
    return Error(InvalidParameter("Strategy", "Strategy must be spread or cluster"));
  }
  for (const auto& group : placement_groups_) {
    if (group.group_name() == request->group_name()) {
      return Error(ApiError(absl::StatusCode::kAlreadyExists, "InvalidPlacementGroup.Duplicate",
                            "GroupName",
                            "The placement group '" + request->group_name() + "' already exists"));
    }
  }
  v1::PlacementGroup group;
  group.set_group_id(ids_.Next("pg"));
  group.set_group_name(request->group_name());
  group.set_strategy(request->strategy());
  group.set_state("available");
  group.set_owner_id("p-default");
  group.mutable_create_time()->set_seconds(1'700'000'000);
  *group.mutable_tags() = request->tags();
  placement_groups_.push_back(group);
  *response = group;
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::DescribePlacementGroups(
    grpc::ServerContext* context, const v1::DescribePlacementGroupsRequest* request,
    v1::DescribePlacementGroupsResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "DescribePlacementGroups", *request); !failed.ok()) {
    return failed;
  }
  auto listed = [](const auto& list, const std::string& value) {
    return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
  };
  for (const auto& group : placement_groups_) {
    if (listed(request->group_names(), group.group_name()) &&
        listed(request->group_ids(), group.group_id())) {
      *response->add_placement_groups() = group;
    }
  }
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::DeletePlacementGroup(
    grpc::ServerContext* context, const v1::DeletePlacementGroupRequest* request,
    v1::DeletePlacementGroupResponse*) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "DeletePlacementGroup", *request); !failed.ok()) return failed;
  auto it = std::find_if(placement_groups_.begin(), placement_groups_.end(), [&](const auto& g) {
    return (!request->group_name().empty() && g.group_name() == request->group_name()) ||
           (!request->group_id().empty() && g.group_id() == request->group_id());
  });
  if (it == placement_groups_.end()) {
    return Error(NotFoundError(
        "InvalidPlacementGroup.Unknown", "GroupName",
        "The placement group '" + request->group_name() + request->group_id() + "' is unknown"));
  }
  placement_groups_.erase(it);
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::DescribeQuotas(grpc::ServerContext* context,
                                                const v1::DescribeQuotasRequest* request,
                                                v1::DescribeQuotasResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "DescribeQuotas", *request); !failed.ok()) return failed;
  for (v1::Quota quota : quotas_) {
    if (!request->project_id().empty()) quota.set_project_id(request->project_id());
    *response->add_quotas() = quota;
  }
  return grpc::Status::OK;
}

grpc::Status FakeComputeService::SetQuota(grpc::ServerContext* context,
                                          const v1::SetQuotaRequest* request, v1::Quota* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto failed = Begin(context, "SetQuota", *request); !failed.ok()) return failed;
  if (request->limit() < -1) return Error(InvalidParameter("Limit", "Limit must be >= -1"));
  for (auto& quota : quotas_) {
    if (quota.resource() == request->resource()) {
      quota.set_limit(request->limit());
      *response = quota;
      if (!request->project_id().empty()) response->set_project_id(request->project_id());
      return grpc::Status::OK;
    }
  }
  return Error(
      InvalidParameter("Resource", "Unknown quota resource '" + request->resource() + "'"));
}

grpc::Status FakeComputeService::WatchEvents(grpc::ServerContext* context,
                                             const v1::WatchEventsRequest* request,
                                             grpc::ServerWriter<v1::Event>* writer) {
  std::vector<v1::Event> matching;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto failed = Begin(context, "WatchEvents", *request); !failed.ok()) return failed;
    for (const auto& event : events_) {
      if (event.sequence() <= request->after_sequence()) continue;
      if (!request->resource_id().empty() && event.resource_id() != request->resource_id()) {
        continue;
      }
      matching.push_back(event);
    }
  }
  for (const auto& event : matching) writer->Write(event);
  return grpc::Status::OK;
}

}  // namespace gureum::cli::testing
