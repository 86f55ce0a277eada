// RequestValidator: field-level checks of public API requests, before any
// core work. Each error is InvalidParameterValue (or a more specific EC2 code)
// naming the field and the rule. Pure functions; thread-safe.
#pragma once

#include <absl/status/status.h>

#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

struct ApiLimits {
  int max_instances_per_request = 100;
  size_t max_user_data_bytes = 16 * 1024;
  int max_tags = 50;
  size_t max_tag_key = 128;
  size_t max_tag_value = 256;
  size_t max_client_token = 64;
  int max_ids_per_request = 1000;
};

class RequestValidator {
 public:
  explicit RequestValidator(ApiLimits limits = {}) : limits_(limits) {}

  // Fills in defaults (max_count from min_count) as EC2 does.
  absl::Status RunInstances(v1::RunInstancesRequest& request) const;
  absl::Status DescribeInstances(const v1::DescribeInstancesRequest& request) const;
  absl::Status InstanceIds(const google::protobuf::RepeatedPtrField<std::string>& ids) const;
  absl::Status InstanceId(const std::string& id, const std::string& field) const;
  absl::Status ImportImage(const v1::ImportImageRequest& request) const;
  absl::Status ImageId(const std::string& id, const std::string& field) const;
  absl::Status DescribeImages(const v1::DescribeImagesRequest& request) const;
  absl::Status KeyName(const std::string& name, const std::string& field) const;
  absl::Status InstanceType(const v1::InstanceTypeInfo& type) const;
  absl::Status ClientToken(const std::string& token) const;
  absl::Status Tags(const google::protobuf::RepeatedPtrField<v1::Tag>& tags) const;
  // 1 to 255 printable characters.
  absl::Status Name(const std::string& name, const std::string& field) const;
  absl::Status CreatePlacementGroup(const v1::CreatePlacementGroupRequest& request) const;
  absl::Status DeletePlacementGroup(const v1::DeletePlacementGroupRequest& request) const;
  absl::Status SetQuota(const v1::SetQuotaRequest& request) const;
  absl::Status DisableHost(const v1::DisableHostRequest& request) const;

  const ApiLimits& limits() const { return limits_; }

 private:
  ApiLimits limits_;
};

}  // namespace gureum::controller
