#include "controller/api/request_validator.h"

#include <regex>
#include <set>

#include "common/api_error.h"
#include "common/id_generator.h"
#include "controller/core/quota_policy.h"

namespace gureum::controller {
namespace {

bool Printable(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

absl::Status RequestValidator::ClientToken(const std::string& token) const {
  if (token.size() > limits_.max_client_token) {
    return InvalidParameter("ClientToken", "ClientToken must be at most " +
                                               std::to_string(limits_.max_client_token) +
                                               " ASCII characters");
  }
  for (unsigned char c : token) {
    if (c < 0x21 || c > 0x7e) {
      return InvalidParameter("ClientToken", "ClientToken must be printable ASCII without spaces");
    }
  }
  return absl::OkStatus();
}

absl::Status RequestValidator::ImageId(const std::string& id, const std::string& field) const {
  if (id.empty()) {
    return ApiError(absl::StatusCode::kInvalidArgument, errc::kMissingParameter, field,
                    "The request must contain the parameter " + field);
  }
  if (!IsWellFormedId("ami", id)) {
    return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidAmiIdMalformed, field,
                    "Invalid id: '" + id + "' (expecting 'ami-' followed by 8 or 17 hex digits)");
  }
  return absl::OkStatus();
}

absl::Status RequestValidator::InstanceId(const std::string& id, const std::string& field) const {
  if (!IsWellFormedId("i", id)) {
    return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidInstanceIdMalformed, field,
                    "Invalid id: '" + id + "' (expecting 'i-' followed by 8 or 17 hex digits)");
  }
  return absl::OkStatus();
}

absl::Status RequestValidator::InstanceIds(
    const google::protobuf::RepeatedPtrField<std::string>& ids) const {
  if (ids.empty()) {
    return ApiError(absl::StatusCode::kInvalidArgument, errc::kMissingParameter, "InstanceIds",
                    "The request must contain the parameter InstanceIds");
  }
  if (ids.size() > limits_.max_ids_per_request) {
    return InvalidParameter(
        "InstanceIds",
        "At most " + std::to_string(limits_.max_ids_per_request) + " instance ids per request");
  }
  for (const std::string& id : ids) {
    if (auto s = InstanceId(id, "InstanceIds"); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status RequestValidator::KeyName(const std::string& name, const std::string& field) const {
  if (name.empty() || name.size() > 255 || !Printable(name)) {
    return InvalidParameter(field, field + " must be 1 to 255 printable ASCII characters");
  }
  for (unsigned char c : name) {
    if (c > 0x7e) return InvalidParameter(field, field + " must be ASCII");
  }
  return absl::OkStatus();
}

absl::Status RequestValidator::Tags(const google::protobuf::RepeatedPtrField<v1::Tag>& tags) const {
  if (tags.size() > limits_.max_tags) {
    return InvalidParameter("Tags", "At most " + std::to_string(limits_.max_tags) +
                                        " tags per resource (got " + std::to_string(tags.size()) +
                                        ")");
  }
  std::set<std::string> keys;
  for (const auto& tag : tags) {
    if (tag.key().empty() || tag.key().size() > limits_.max_tag_key || !Printable(tag.key())) {
      return InvalidParameter("Tags", "Tag keys must be 1 to 128 printable characters");
    }
    if (tag.key().rfind("gureum:", 0) == 0) {
      return InvalidParameter("Tags", "Tag keys starting with 'gureum:' are reserved");
    }
    if (tag.value().size() > limits_.max_tag_value || !Printable(tag.value())) {
      return InvalidParameter(
          "Tags", "Tag values must be at most 256 printable characters (key '" + tag.key() + "')");
    }
    if (!keys.insert(tag.key()).second) {
      return InvalidParameter("Tags", "Duplicate tag key '" + tag.key() + "'");
    }
  }
  return absl::OkStatus();
}

absl::Status RequestValidator::Name(const std::string& name, const std::string& field) const {
  if (name.empty() || name.size() > 255 || !Printable(name)) {
    return InvalidParameter(field, field + " must be 1 to 255 printable characters");
  }
  return absl::OkStatus();
}

absl::Status RequestValidator::CreatePlacementGroup(
    const v1::CreatePlacementGroupRequest& r) const {
  if (auto s = Name(r.group_name(), "GroupName"); !s.ok()) return s;
  if (r.strategy() == "partition") {
    return InvalidParameter("Strategy",
                            "Strategy 'partition' is not supported yet; use spread or cluster");
  }
  if (r.strategy() != "spread" && r.strategy() != "cluster") {
    return InvalidParameter("Strategy",
                            "Strategy must be spread or cluster (got '" + r.strategy() + "')");
  }
  return Tags(r.tags());
}

absl::Status RequestValidator::DeletePlacementGroup(
    const v1::DeletePlacementGroupRequest& r) const {
  if (r.group_name().empty() == r.group_id().empty()) {
    return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidParameterCombination,
                    "GroupName", "Give exactly one of GroupName and GroupId");
  }
  if (!r.group_id().empty() && !IsWellFormedId("pg", r.group_id())) {
    return InvalidParameter("GroupId", "Invalid id: '" + r.group_id() +
                                           "' (expecting 'pg-' followed by 8 or 17 hex digits)");
  }
  if (!r.group_name().empty()) return Name(r.group_name(), "GroupName");
  return absl::OkStatus();
}

absl::Status RequestValidator::SetQuota(const v1::SetQuotaRequest& r) const {
  if (!QuotaPolicy::IsResource(r.resource())) {
    return InvalidParameter(
        "Resource", "Resource must be one of instances, vcpus, memory-mib, disk-gib (got '" +
                        r.resource() + "')");
  }
  if (r.limit() < -1) {
    return InvalidParameter("Limit", "Limit must be -1 (unlimited) or at least 0 (got " +
                                         std::to_string(r.limit()) + ")");
  }
  if (!r.project_id().empty()) return Name(r.project_id(), "ProjectId");
  return absl::OkStatus();
}

absl::Status RequestValidator::DisableHost(const v1::DisableHostRequest& r) const {
  if (auto s = Name(r.host_id(), "HostId"); !s.ok()) return s;
  if (r.reason().size() > 255 || !Printable(r.reason())) {
    return InvalidParameter("Reason", "Reason must be at most 255 printable characters");
  }
  return absl::OkStatus();
}

absl::Status RequestValidator::RunInstances(v1::RunInstancesRequest& r) const {
  if (auto s = ImageId(r.image_id(), "ImageId"); !s.ok()) return s;
  if (r.instance_type().empty()) {
    return ApiError(absl::StatusCode::kInvalidArgument, errc::kMissingParameter, "InstanceType",
                    "The request must contain the parameter InstanceType");
  }
  const int max = limits_.max_instances_per_request;
  if (r.min_count() == 0 && r.max_count() == 0) {
    r.set_min_count(1);
    r.set_max_count(1);
  }
  if (r.min_count() < 1 || r.min_count() > max) {
    return InvalidParameter("MinCount", "MinCount must be between 1 and " + std::to_string(max) +
                                            " (got " + std::to_string(r.min_count()) + ")");
  }
  if (r.max_count() == 0) r.set_max_count(r.min_count());
  if (r.max_count() < r.min_count() || r.max_count() > max) {
    return InvalidParameter("MaxCount", "MaxCount must be between MinCount (" +
                                            std::to_string(r.min_count()) + ") and " +
                                            std::to_string(max) + " (got " +
                                            std::to_string(r.max_count()) + ")");
  }
  if (r.user_data().size() > limits_.max_user_data_bytes) {
    return InvalidParameter("UserData", "UserData must be at most 16 KiB (" +
                                            std::to_string(limits_.max_user_data_bytes) +
                                            " bytes); got " + std::to_string(r.user_data().size()));
  }
  if (!r.key_name().empty()) {
    if (auto s = KeyName(r.key_name(), "KeyName"); !s.ok()) return s;
  }
  if (auto s = Tags(r.tags()); !s.ok()) return s;
  if (!r.placement().group_name().empty()) {
    if (auto s = Name(r.placement().group_name(), "Placement.GroupName"); !s.ok()) return s;
  }
  if (!r.placement().availability_zone().empty()) {
    if (auto s = Name(r.placement().availability_zone(), "Placement.AvailabilityZone"); !s.ok()) {
      return s;
    }
  }
  return ClientToken(r.client_token());
}

absl::Status RequestValidator::DescribeInstances(const v1::DescribeInstancesRequest& r) const {
  static const std::set<std::string> kNames = {
      "instance-id",    "instance-state-name", "instance-type", "image-id",
      "key-name",       "host-name",           "host-id",       "private-ip-address",
      "reservation-id", "availability-zone",   "tag-key",       "placement-group-name"};
  for (const std::string& id : r.instance_ids()) {
    if (auto s = InstanceId(id, "InstanceIds"); !s.ok()) return s;
  }
  for (const auto& filter : r.filters()) {
    const std::string& name = filter.name();
    bool is_tag = name.rfind("tag:", 0) == 0 && name.size() > 4;
    if (!is_tag && kNames.count(name) == 0) {
      return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidFilter, "Filters",
                      "The filter '" + name +
                          "' is invalid (supported: instance-id, instance-state-name, "
                          "instance-type, image-id, key-name, host-name, host-id, "
                          "private-ip-address, reservation-id, availability-zone, tag-key, "
                          "tag:<key>)");
    }
    if (filter.values().empty()) {
      return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidFilter, "Filters",
                      "The filter '" + name + "' needs at least one value");
    }
    if (filter.values_size() > 200) {
      return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidFilter, "Filters",
                      "The filter '" + name + "' has more than 200 values");
    }
  }
  if (r.max_results() != 0 && (r.max_results() < 1 || r.max_results() > 1000)) {
    return InvalidParameter("MaxResults", "MaxResults must be between 1 and 1000 (got " +
                                              std::to_string(r.max_results()) + ")");
  }
  if (r.max_results() != 0 && !r.instance_ids().empty()) {
    return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidParameterCombination,
                    "MaxResults", "MaxResults cannot be combined with InstanceIds");
  }
  return absl::OkStatus();
}

absl::Status RequestValidator::ImportImage(const v1::ImportImageRequest& r) const {
  static const std::regex kName(R"([A-Za-z0-9()\[\]./\-'@_ ]{3,128})");
  if (!std::regex_match(r.name(), kName)) {
    return InvalidParameter("Name",
                            "Name must be 3 to 128 characters of letters, digits, spaces "
                            "and ( ) [ ] . / - ' @ _");
  }
  if (r.description().size() > 255) {
    return InvalidParameter("Description", "Description must be at most 255 characters");
  }
  if (r.source_path().empty() || r.source_path()[0] != '/') {
    return InvalidParameter("SourcePath",
                            "SourcePath must be an absolute path on the "
                            "controller's host");
  }
  for (const auto& [field, path] :
       {std::pair{"KernelPath", &r.kernel_path()}, std::pair{"RamdiskPath", &r.ramdisk_path()}}) {
    if (!path->empty() && (*path)[0] != '/') {
      return InvalidParameter(field, std::string(field) + " must be an absolute path");
    }
  }
  if (!r.ramdisk_path().empty() && r.kernel_path().empty()) {
    return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidParameterCombination,
                    "RamdiskPath", "RamdiskPath needs KernelPath");
  }
  if (!r.kernel_args().empty() && r.kernel_path().empty()) {
    return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidParameterCombination,
                    "KernelArgs", "KernelArgs needs KernelPath");
  }
  if (r.kernel_args().size() > 1024 || !Printable(r.kernel_args())) {
    return InvalidParameter("KernelArgs", "KernelArgs must be at most 1024 printable characters");
  }
  return ClientToken(r.client_token());
}

absl::Status RequestValidator::DescribeImages(const v1::DescribeImagesRequest& r) const {
  for (const std::string& id : r.image_ids()) {
    if (auto s = ImageId(id, "ImageIds"); !s.ok()) return s;
  }
  for (const auto& filter : r.filters()) {
    if (filter.name() != "name" && filter.name() != "state" && filter.name() != "disk-format" &&
        filter.name() != "image-id") {
      return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidFilter, "Filters",
                      "The filter '" + filter.name() +
                          "' is invalid (supported: image-id, name, state, disk-format)");
    }
  }
  return absl::OkStatus();
}

absl::Status RequestValidator::InstanceType(const v1::InstanceTypeInfo& t) const {
  static const std::regex kName(R"([a-z][a-z0-9]*\.[a-z0-9]+)");
  if (t.instance_type().size() > 64 || !std::regex_match(t.instance_type(), kName)) {
    return InvalidParameter("InstanceType",
                            "InstanceType must look like 'family.size' (lowercase letters and "
                            "digits, e.g. g1.huge), at most 64 characters");
  }
  if (t.vcpus() < 1 || t.vcpus() > 256) {
    return InvalidParameter("VCpus", "VCpus must be between 1 and 256");
  }
  if (t.memory_mib() < 64 || t.memory_mib() > 4 * 1024 * 1024) {
    return InvalidParameter("MemoryMib", "MemoryMib must be between 64 and 4194304");
  }
  if (t.root_disk_gib() < 1 || t.root_disk_gib() > 65536) {
    return InvalidParameter("RootDiskGib", "RootDiskGib must be between 1 and 65536");
  }
  if (!t.hypervisor().empty() && t.hypervisor() != "kvm" && t.hypervisor() != "qemu" &&
      t.hypervisor() != "fake") {
    return InvalidParameter(
        "Hypervisor",
        "Hypervisor must be empty (any), kvm, qemu or fake (got '" + t.hypervisor() + "')");
  }
  return absl::OkStatus();
}

}  // namespace gureum::controller
