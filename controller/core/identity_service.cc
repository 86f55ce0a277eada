#include "controller/core/identity_service.h"

#include <algorithm>
#include <regex>

#include "common/api_error.h"
#include "controller/core/access_key_service.h"
#include "controller/core/instance_view.h"

namespace gureum::controller {
namespace {

v1::Project ToApiProject(const ProjectRecord& r) {
  v1::Project out;
  out.set_project_id(r.project_id);
  out.set_description(r.description);
  SetTimestamp(out.mutable_create_time(), r.created_at);
  return out;
}

v1::User ToApiUser(const UserRecord& r) {
  v1::User out;
  out.set_user_name(r.user_name);
  out.set_default_project_id(r.default_project);
  for (const RoleBindingRecord& b : r.roles) {
    v1::RoleBinding* binding = out.add_roles();
    binding->set_project_id(b.project_id);
    binding->set_role(b.role);
  }
  SetTimestamp(out.mutable_create_time(), r.created_at);
  return out;
}

absl::Status NoSuchUser(const std::string& user_name) {
  return NotFoundError(errc::kNoSuchEntity, "UserName",
                       "The user '" + user_name + "' does not exist");
}

absl::Status NoSuchProject(std::string_view field, const std::string& project_id) {
  return NotFoundError(errc::kInvalidProjectNotFound, field,
                       "The project '" + project_id + "' does not exist");
}

}  // namespace

absl::Status ValidateProjectId(const std::string& project_id, std::string_view field) {
  static const std::regex kPattern("[a-z0-9][a-z0-9-]{0,62}");
  if (!std::regex_match(project_id, kPattern)) {
    return InvalidParameter(field, std::string(field) +
                                       " must be 1-63 lowercase letters, digits or '-', "
                                       "starting with a letter or digit");
  }
  return absl::OkStatus();
}

absl::Status ValidateUserName(const std::string& user_name, std::string_view field) {
  static const std::regex kPattern("[a-z0-9][a-z0-9._-]{0,62}");
  if (!std::regex_match(user_name, kPattern)) {
    return InvalidParameter(field, std::string(field) +
                                       " must be 1-63 lowercase letters, digits, '.', '_' or "
                                       "'-', starting with a letter or digit");
  }
  return absl::OkStatus();
}

absl::Status ValidateRole(const std::string& role, std::string_view field, bool allow_none) {
  if (role == "admin" || role == "member" || role == "reader" || (allow_none && role == "none")) {
    return absl::OkStatus();
  }
  return InvalidParameter(field, std::string(field) + " must be admin, member, reader" +
                                     (allow_none ? " or none" : "") + ", not '" + role + "'");
}

absl::StatusOr<std::optional<BootstrapCredential>> IdentityService::Bootstrap(
    const std::function<absl::Status(const BootstrapCredential&)>& persist) {
  const int64_t now = core_.clock.NowMillis();
  RequestContext ctx;
  ctx.request_id = "bootstrap";
  ctx.actor = "controller:bootstrap";
  return Commit(
      core_,
      [&](Repositories& repos,
          ChangeSet& changes) -> absl::StatusOr<std::optional<BootstrapCredential>> {
        if (repos.identity.CountUsers() > 0) {
          return std::optional<BootstrapCredential>();
        }
        if (!repos.identity.GetProject("default")) {
          repos.identity.InsertProject(ProjectRecord{"default", "the first project", now});
        }
        repos.identity.InsertUser(UserRecord{"admin", "default", now, {}});
        repos.identity.SetRole("admin", "default", "admin");
        IssuedAccessKey key = IssueAccessKey(repos, core_.ids, "admin", now, 0);
        RecordEvent(repos, changes, ctx, now, "user", "admin", "user.created",
                    "bootstrap administrator created", "", "admin");
        BootstrapCredential credential{"admin", key.record.access_key_id, key.secret};
        if (absl::Status persisted = persist(credential); !persisted.ok()) return persisted;
        return std::optional<BootstrapCredential>(std::move(credential));
      });
}

absl::StatusOr<v1::CallerIdentity> IdentityService::CallerIdentity(const RequestContext& ctx) {
  return core_.store.Read([&](Repositories& repos) -> absl::StatusOr<v1::CallerIdentity> {
    v1::CallerIdentity out;
    out.set_user_name(ctx.actor);
    out.set_access_key_id(ctx.access_key_id);
    out.set_project_id(ctx.project_id);
    out.set_role(ctx.role);
    if (auto user = repos.identity.GetUser(ctx.actor)) {
      for (const RoleBindingRecord& b : user->roles) {
        v1::RoleBinding* binding = out.add_roles();
        binding->set_project_id(b.project_id);
        binding->set_role(b.role);
      }
    }
    return out;
  });
}

absl::StatusOr<v1::Project> IdentityService::CreateProject(
    const RequestContext& ctx, const v1::CreateProjectRequest& request) {
  if (auto s = ValidateProjectId(request.project_id(), "ProjectId"); !s.ok()) return s;
  if (request.description().size() > 255) {
    return InvalidParameter("Description", "Description must be at most 255 bytes");
  }
  const int64_t now = core_.clock.NowMillis();
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<v1::Project> {
    if (repos.identity.GetProject(request.project_id())) {
      return ApiError(absl::StatusCode::kAlreadyExists, errc::kEntityAlreadyExists, "ProjectId",
                      "The project '" + request.project_id() + "' already exists");
    }
    ProjectRecord record{request.project_id(), request.description(), now};
    repos.identity.InsertProject(record);
    RecordEvent(repos, changes, ctx, now, "project", record.project_id, "project.created",
                "project " + record.project_id + " created", "", "active");
    return ToApiProject(record);
  });
}

absl::StatusOr<v1::DescribeProjectsResponse> IdentityService::DescribeProjects(
    const RequestContext& ctx, const v1::DescribeProjectsRequest& request) {
  return core_.store.Read([&](Repositories& repos) -> absl::StatusOr<v1::DescribeProjectsResponse> {
    std::vector<std::string> mine;
    if (!ctx.admin) {
      if (auto user = repos.identity.GetUser(ctx.actor)) {
        for (const RoleBindingRecord& b : user->roles) mine.push_back(b.project_id);
      }
    }
    auto visible = [&](const std::string& id) {
      return ctx.admin || std::find(mine.begin(), mine.end(), id) != mine.end();
    };
    v1::DescribeProjectsResponse response;
    if (request.project_ids().empty()) {
      for (const ProjectRecord& p : repos.identity.ListProjects()) {
        if (visible(p.project_id)) *response.add_projects() = ToApiProject(p);
      }
      return response;
    }
    for (const std::string& id : request.project_ids()) {
      auto project = repos.identity.GetProject(id);
      if (!project || !visible(id)) return NoSuchProject("ProjectIds", id);
      *response.add_projects() = ToApiProject(*project);
    }
    return response;
  });
}

absl::StatusOr<v1::User> IdentityService::CreateUser(const RequestContext& ctx,
                                                     const v1::CreateUserRequest& request) {
  if (auto s = ValidateUserName(request.user_name(), "UserName"); !s.ok()) return s;
  if (auto s = ValidateProjectId(request.project_id(), "ProjectId"); !s.ok()) return s;
  if (auto s = ValidateRole(request.role(), "Role", false); !s.ok()) return s;
  const int64_t now = core_.clock.NowMillis();
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<v1::User> {
    if (!repos.identity.GetProject(request.project_id())) {
      return NoSuchProject("ProjectId", request.project_id());
    }
    if (repos.identity.GetUser(request.user_name())) {
      return ApiError(absl::StatusCode::kAlreadyExists, errc::kEntityAlreadyExists, "UserName",
                      "The user '" + request.user_name() + "' already exists");
    }
    repos.identity.InsertUser(UserRecord{request.user_name(), request.project_id(), now, {}});
    repos.identity.SetRole(request.user_name(), request.project_id(), request.role());
    RecordEvent(repos, changes, ctx, now, "user", request.user_name(), "user.created",
                "user " + request.user_name() + " created with role " + request.role() +
                    " in project " + request.project_id(),
                "", request.role());
    return ToApiUser(*repos.identity.GetUser(request.user_name()));
  });
}

absl::StatusOr<v1::DescribeUsersResponse> IdentityService::DescribeUsers(
    const RequestContext&, const v1::DescribeUsersRequest& request) {
  return core_.store.Read([&](Repositories& repos) -> absl::StatusOr<v1::DescribeUsersResponse> {
    v1::DescribeUsersResponse response;
    if (request.user_names().empty()) {
      for (const UserRecord& user : repos.identity.ListUsers()) {
        *response.add_users() = ToApiUser(user);
      }
      return response;
    }
    for (const std::string& name : request.user_names()) {
      auto user = repos.identity.GetUser(name);
      if (!user) return NoSuchUser(name);
      *response.add_users() = ToApiUser(*user);
    }
    return response;
  });
}

absl::Status IdentityService::DeleteUser(const RequestContext& ctx, const std::string& user_name) {
  const int64_t now = core_.clock.NowMillis();
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::Status {
    auto user = repos.identity.GetUser(user_name);
    if (!user) return NoSuchUser(user_name);
    if (user_name == ctx.actor) {
      return ApiError(absl::StatusCode::kFailedPrecondition, errc::kDependencyViolation, "UserName",
                      "You cannot delete yourself ('" + user_name + "')");
    }
    repos.identity.DeleteUser(user_name);
    RecordEvent(repos, changes, ctx, now, "user", user_name, "user.deleted",
                "user " + user_name + " and their access keys deleted", "", "deleted");
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::User> IdentityService::SetUserRole(const RequestContext& ctx,
                                                      const v1::SetUserRoleRequest& request) {
  if (auto s = ValidateRole(request.role(), "Role", true); !s.ok()) return s;
  const int64_t now = core_.clock.NowMillis();
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<v1::User> {
    auto user = repos.identity.GetUser(request.user_name());
    if (!user) return NoSuchUser(request.user_name());
    if (!repos.identity.GetProject(request.project_id())) {
      return NoSuchProject("ProjectId", request.project_id());
    }
    std::string before = "none";
    for (const RoleBindingRecord& b : user->roles) {
      if (b.project_id == request.project_id()) before = b.role;
    }
    if (request.role() == "none") {
      repos.identity.RemoveRole(request.user_name(), request.project_id());
    } else {
      repos.identity.SetRole(request.user_name(), request.project_id(), request.role());
    }
    if (before == "admin" && repos.identity.CountAdmins() == 0) {
      return ApiError(absl::StatusCode::kFailedPrecondition, errc::kDependencyViolation, "Role",
                      "The last admin cannot lose the admin role");
    }
    RecordEvent(repos, changes, ctx, now, "user", request.user_name(), "user.role-changed",
                "role of " + request.user_name() + " in project " + request.project_id() + ": " +
                    before + " -> " + request.role(),
                before, request.role());
    return ToApiUser(*repos.identity.GetUser(request.user_name()));
  });
}

}  // namespace gureum::controller
