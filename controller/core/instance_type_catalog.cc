#include "controller/core/instance_type_catalog.h"

#include "common/api_error.h"
#include "controller/core/instance_view.h"

namespace gureum::controller {
namespace {

absl::Status UnknownType(const std::string& name) {
  return ApiError(absl::StatusCode::kNotFound, errc::kInvalidInstanceType, "InstanceTypes",
                  "The instance type '" + name + "' does not exist");
}

}  // namespace

absl::StatusOr<v1::DescribeInstanceTypesResponse> InstanceTypeCatalog::Describe(
    const std::vector<std::string>& names) {
  return core_.store.Read(
      [&](Repositories& repos) -> absl::StatusOr<v1::DescribeInstanceTypesResponse> {
        v1::DescribeInstanceTypesResponse response;
        if (names.empty()) {
          for (const auto& type : repos.instance_types.List()) {
            *response.add_instance_types() = ToApiInstanceType(type);
          }
          return response;
        }
        for (const std::string& name : names) {
          auto type = repos.instance_types.Get(name);
          if (!type) return UnknownType(name);
          *response.add_instance_types() = ToApiInstanceType(*type);
        }
        return response;
      });
}

absl::StatusOr<v1::InstanceTypeInfo> InstanceTypeCatalog::Create(const RequestContext& ctx,
                                                                 const v1::InstanceTypeInfo& type) {
  const int64_t now = core_.clock.NowMillis();
  return Commit(
      core_, [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<v1::InstanceTypeInfo> {
        if (repos.instance_types.Get(type.instance_type())) {
          return ApiError(absl::StatusCode::kAlreadyExists, errc::kInvalidParameterValue,
                          "InstanceType",
                          "The instance type '" + type.instance_type() + "' already exists");
        }
        InstanceTypeRecord record{type.instance_type(), type.vcpus(), type.memory_mib(),
                                  type.root_disk_gib(), type.hypervisor()};
        repos.instance_types.Insert(record, now);
        RecordEvent(repos, changes, ctx, now, "instance-type", record.name, "instance-type.created",
                    "instance type " + record.name + " created");
        return ToApiInstanceType(record);
      });
}

absl::Status InstanceTypeCatalog::Delete(const RequestContext& ctx, const std::string& name) {
  const int64_t now = core_.clock.NowMillis();
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::Status {
    if (!repos.instance_types.Get(name)) return UnknownType(name);
    if (int in_use = repos.instances.CountActiveOfType(name); in_use > 0) {
      return ApiError(absl::StatusCode::kFailedPrecondition, errc::kDependencyViolation,
                      "InstanceType",
                      "The instance type '" + name + "' is used by " + std::to_string(in_use) +
                          " instance(s) that are not terminated");
    }
    repos.instance_types.Delete(name);
    RecordEvent(repos, changes, ctx, now, "instance-type", name, "instance-type.deleted",
                "instance type " + name + " deleted");
    return absl::OkStatus();
  });
}

}  // namespace gureum::controller
