// IdentityService: projects, users and role bindings (admin operations), the
// bootstrap administrator created on the first start, and the caller's own
// identity. Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

// The bootstrap administrator's credential, returned only when it was created.
struct BootstrapCredential {
  std::string user_name;
  std::string access_key_id;
  std::string secret;
};

class IdentityService {
 public:
  explicit IdentityService(CoreContext& core) : core_(core) {}

  // Creates user `admin` (role admin in project `default`) with one access key
  // if there are no users yet; nullopt when users exist. `persist` (e.g.
  // writing the key to a file) runs inside the transaction, before the
  // commit: if it fails nothing is committed and the next call tries again,
  // so the only administrator's key can never be lost.
  absl::StatusOr<std::optional<BootstrapCredential>> Bootstrap(
      const std::function<absl::Status(const BootstrapCredential&)>& persist);

  absl::StatusOr<v1::CallerIdentity> CallerIdentity(const RequestContext& ctx);
  absl::StatusOr<v1::Project> CreateProject(const RequestContext& ctx,
                                            const v1::CreateProjectRequest& request);
  // Admins see every project; others the projects they have a role in.
  absl::StatusOr<v1::DescribeProjectsResponse> DescribeProjects(
      const RequestContext& ctx, const v1::DescribeProjectsRequest& request);
  absl::StatusOr<v1::User> CreateUser(const RequestContext& ctx,
                                      const v1::CreateUserRequest& request);
  absl::StatusOr<v1::DescribeUsersResponse> DescribeUsers(const RequestContext& ctx,
                                                          const v1::DescribeUsersRequest& request);
  absl::Status DeleteUser(const RequestContext& ctx, const std::string& user_name);
  absl::StatusOr<v1::User> SetUserRole(const RequestContext& ctx,
                                       const v1::SetUserRoleRequest& request);

 private:
  CoreContext& core_;
};

// Validation shared by the API layer: names and roles.
absl::Status ValidateProjectId(const std::string& project_id, std::string_view field);
absl::Status ValidateUserName(const std::string& user_name, std::string_view field);
absl::Status ValidateRole(const std::string& role, std::string_view field, bool allow_none);

}  // namespace gureum::controller
