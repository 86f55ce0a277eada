#include "cli/commands/identity_commands.h"

#include <memory>

#include "cli/output/resource_tables.h"
#include "cli/output/time_format.h"
#include "cli/parse/argument_parsers.h"

namespace gureum::cli {
namespace {

std::string Roles(const Repeated<v1::RoleBinding>& roles) {
  std::string out;
  for (const auto& b : roles) out += (out.empty() ? "" : ",") + b.project_id() + "=" + b.role();
  return out;
}

Table UsersTable(const Repeated<v1::User>& users) {
  Table table({"USER", "DEFAULT-PROJECT", "ROLES", "CREATED"});
  for (const auto& u : users) {
    table.AddRow({u.user_name(), u.default_project_id(), Roles(u.roles()),
                  FormatTimestamp(u.create_time())});
  }
  return table;
}

Table ProjectsTable(const Repeated<v1::Project>& projects) {
  Table table({"PROJECT", "DESCRIPTION", "CREATED"});
  for (const auto& p : projects) {
    table.AddRow({p.project_id(), p.description(), FormatTimestamp(p.create_time())});
  }
  return table;
}

// The secret column appears only when the reply has one (create/rotate).
Table AccessKeysTable(const Repeated<v1::AccessKey>& keys) {
  bool with_secret = false;
  for (const auto& k : keys) with_secret = with_secret || !k.secret_access_key().empty();
  std::vector<std::string> headers = {"ACCESS-KEY-ID", "USER", "STATUS", "CREATED", "EXPIRES"};
  if (with_secret) headers.push_back("API-KEY (shown once)");
  Table table(headers);
  for (const auto& k : keys) {
    std::vector<Cell> row = {
        k.access_key_id(), k.user_name(),
        Cell(k.status(), k.status() == "active" ? CellStyle::kGood : CellStyle::kBad),
        FormatTimestamp(k.create_time()),
        k.has_expire_time() ? FormatTimestamp(k.expire_time()) : "never"};
    if (with_secret) row.emplace_back(k.access_key_id() + ":" + k.secret_access_key());
    table.AddRow(row);
  }
  return table;
}

Table AuditTable(const Repeated<v1::AuditEvent>& events) {
  Table table({"TIME", "USER", "PROJECT", "OPERATION", "OUTCOME", "SOURCE", "REQUEST-ID"});
  for (const auto& e : events) {
    table.AddRow({FormatTimestamp(e.time()), e.user_name(), e.project_id(), e.operation(),
                  Cell(e.outcome(), e.outcome() == "OK" ? CellStyle::kGood : CellStyle::kBad),
                  e.source(), e.request_id()});
  }
  return table;
}

Table CallerTable(const v1::CallerIdentity& c) {
  Table table({"USER", "ACCESS-KEY-ID", "PROJECT", "ROLE", "ALL-ROLES"});
  table.AddRow({c.user_name(), c.access_key_id(), c.project_id(), c.role(), Roles(c.roles())});
  return table;
}

struct UserOptions {
  std::string user_name;
  std::string project_id;
  std::string role;
};

struct KeyOptions {
  std::string access_key_id;
  std::string user_name;
  std::string status;
  int64_t seconds = 0;
};

struct AuditOptions {
  std::vector<std::string> filters;
  int max_results = 0;
  std::string next_token;
};

template <typename Result>
ExitCode Done(CommandContext& ctx, const Result& result, const Table& table) {
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, table);
  return ExitCode::kOk;
}

void AddProjectVerbs(CommandRegistry& registry) {
  auto project = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "create-project", "Create a project (admin)", verb_group::kIdentity,
      "gureum create-project --project-id team-a --description 'Team A'",
      [project](CommandContext& ctx) {
        v1::CreateProjectRequest request;
        request.set_project_id(project->first);
        request.set_description(project->second);
        auto result = ctx.client().CreateProject(request);
        return Done(ctx, result, ProjectsTable(SingleItem(result.response)));
      });
  verb->add_option("--project-id", project->first, "lowercase letters, digits, '-'")->required();
  verb->add_option("--description", project->second, "Free text");

  auto ids = std::make_shared<std::vector<std::string>>();
  verb = registry.AddVerb(registry.root(), "describe-projects",
                          "List projects (admins: all; others: those they have a role in)",
                          verb_group::kIdentity, "gureum describe-projects -o table",
                          [ids](CommandContext& ctx) {
                            v1::DescribeProjectsRequest request;
                            for (const auto& id : CollectIds(*ids)) request.add_project_ids(id);
                            auto result = ctx.client().DescribeProjects(request);
                            return Done(ctx, result, ProjectsTable(result.response.projects()));
                          });
  verb->add_option("--project-ids", *ids, "Project ids (space- or comma-separated)");
}

void AddUserVerbs(CommandRegistry& registry) {
  auto user = std::make_shared<UserOptions>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "create-user", "Create a user with a role in their default project (admin)",
      verb_group::kIdentity,
      "gureum create-user --user-name alice --project-id team-a --role member",
      [user](CommandContext& ctx) {
        v1::CreateUserRequest request;
        request.set_user_name(user->user_name);
        request.set_project_id(user->project_id);
        request.set_role(user->role);
        auto result = ctx.client().CreateUser(request);
        return Done(ctx, result, UsersTable(SingleItem(result.response)));
      });
  verb->add_option("--user-name", user->user_name, "User name")->required();
  verb->add_option("--project-id", user->project_id, "Default project")->required();
  verb->add_option("--role", user->role, "admin | member | reader")
      ->required()
      ->check(CLI::IsMember({"admin", "member", "reader"}));

  auto names = std::make_shared<std::vector<std::string>>();
  verb = registry.AddVerb(registry.root(), "describe-users", "List users and their roles (admin)",
                          verb_group::kIdentity, "gureum describe-users -o table",
                          [names](CommandContext& ctx) {
                            v1::DescribeUsersRequest request;
                            for (const auto& n : CollectIds(*names)) request.add_user_names(n);
                            auto result = ctx.client().DescribeUsers(request);
                            return Done(ctx, result, UsersTable(result.response.users()));
                          });
  verb->add_option("--user-names", *names, "User names (space- or comma-separated)");

  auto gone = std::make_shared<std::string>();
  verb = registry.AddVerb(registry.root(), "delete-user",
                          "Delete a user and all their access keys (admin)", verb_group::kIdentity,
                          "gureum delete-user --user-name alice", [gone](CommandContext& ctx) {
                            v1::DeleteUserRequest request;
                            request.set_user_name(*gone);
                            auto result = ctx.client().DeleteUser(request);
                            if (!result.ok()) return ctx.CallFailed(result);
                            ctx.printer().Print(result.response, Table({}));
                            return ExitCode::kOk;
                          });
  verb->add_option("--user-name", *gone, "User name")->required();

  auto role = std::make_shared<UserOptions>();
  verb = registry.AddVerb(
      registry.root(), "set-user-role", "Grant, change or (none) remove a user's role (admin)",
      verb_group::kIdentity,
      "gureum set-user-role --user-name alice --project-id team-b --role reader\n"
      "gureum set-user-role --user-name alice --project-id team-b --role none",
      [role](CommandContext& ctx) {
        v1::SetUserRoleRequest request;
        request.set_user_name(role->user_name);
        request.set_project_id(role->project_id);
        request.set_role(role->role);
        auto result = ctx.client().SetUserRole(request);
        return Done(ctx, result, UsersTable(SingleItem(result.response)));
      });
  verb->add_option("--user-name", role->user_name, "User name")->required();
  verb->add_option("--project-id", role->project_id, "Project")->required();
  verb->add_option("--role", role->role, "admin | member | reader | none")
      ->required()
      ->check(CLI::IsMember({"admin", "member", "reader", "none"}));
}

void AddAccessKeyVerbs(CommandRegistry& registry) {
  auto create = std::make_shared<KeyOptions>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "create-access-key",
      "Create an API key (yours, or any user's as admin); the secret is shown once",
      verb_group::kIdentity,
      "gureum create-access-key\ngureum create-access-key --user-name alice --expires-in-seconds "
      "86400",
      [create](CommandContext& ctx) {
        v1::CreateAccessKeyRequest request;
        request.set_user_name(create->user_name);
        request.set_expires_in_seconds(create->seconds);
        auto result = ctx.client().CreateAccessKey(request);
        return Done(ctx, result, AccessKeysTable(SingleItem(result.response)));
      });
  verb->add_option("--user-name", create->user_name, "User (default: you)");
  verb->add_option("--expires-in-seconds", create->seconds, "Lifetime; 0 = never")
      ->check(CLI::NonNegativeNumber);

  auto describe = std::make_shared<std::string>();
  verb = registry.AddVerb(
      registry.root(), "describe-access-keys",
      "List API keys (yours, or any user's as admin); never their secrets", verb_group::kIdentity,
      "gureum describe-access-keys --user-name alice", [describe](CommandContext& ctx) {
        v1::DescribeAccessKeysRequest request;
        request.set_user_name(*describe);
        auto result = ctx.client().DescribeAccessKeys(request);
        return Done(ctx, result, AccessKeysTable(result.response.access_keys()));
      });
  verb->add_option("--user-name", *describe, "User (default: you)");

  auto update = std::make_shared<KeyOptions>();
  verb = registry.AddVerb(
      registry.root(), "update-access-key", "Disable (inactive) or re-enable (active) an API key",
      verb_group::kIdentity,
      "gureum update-access-key --access-key-id GK0123456789ABCDEF01 --status inactive",
      [update](CommandContext& ctx) {
        v1::UpdateAccessKeyRequest request;
        request.set_access_key_id(update->access_key_id);
        request.set_status(update->status);
        auto result = ctx.client().UpdateAccessKey(request);
        return Done(ctx, result, AccessKeysTable(SingleItem(result.response)));
      });
  verb->add_option("--access-key-id", update->access_key_id, "Access key id")->required();
  verb->add_option("--status", update->status, "active | inactive")
      ->required()
      ->check(CLI::IsMember({"active", "inactive"}));

  auto remove = std::make_shared<std::string>();
  verb = registry.AddVerb(registry.root(), "delete-access-key", "Delete an API key",
                          verb_group::kIdentity,
                          "gureum delete-access-key --access-key-id GK0123456789ABCDEF01",
                          [remove](CommandContext& ctx) {
                            v1::DeleteAccessKeyRequest request;
                            request.set_access_key_id(*remove);
                            auto result = ctx.client().DeleteAccessKey(request);
                            if (!result.ok()) return ctx.CallFailed(result);
                            ctx.printer().Print(result.response, Table({}));
                            return ExitCode::kOk;
                          });
  verb->add_option("--access-key-id", *remove, "Access key id")->required();

  auto rotate = std::make_shared<KeyOptions>();
  verb = registry.AddVerb(
      registry.root(), "rotate-access-key",
      "Replace an API key: a new key now, the old one inactive at once or after a grace period",
      verb_group::kIdentity,
      "gureum rotate-access-key --access-key-id GK0123456789ABCDEF01 --grace-seconds 3600",
      [rotate](CommandContext& ctx) {
        v1::RotateAccessKeyRequest request;
        request.set_access_key_id(rotate->access_key_id);
        request.set_grace_seconds(rotate->seconds);
        auto result = ctx.client().RotateAccessKey(request);
        return Done(ctx, result, AccessKeysTable(SingleItem(result.response)));
      });
  verb->add_option("--access-key-id", rotate->access_key_id, "The key to replace")->required();
  verb->add_option("--grace-seconds", rotate->seconds, "The old key keeps working this long")
      ->check(CLI::NonNegativeNumber);
}

}  // namespace

void AddIdentityCommands(CommandRegistry& registry) {
  registry.AddVerb(registry.root(), "get-caller-identity",
                   "Who the API key is: user, project acted in, role", verb_group::kIdentity,
                   "gureum get-caller-identity\ngureum --project team-b get-caller-identity",
                   [](CommandContext& ctx) {
                     auto result = ctx.client().GetCallerIdentity(v1::GetCallerIdentityRequest());
                     return Done(ctx, result, CallerTable(result.response));
                   });
  AddProjectVerbs(registry);
  AddUserVerbs(registry);
  AddAccessKeyVerbs(registry);

  auto audit = std::make_shared<AuditOptions>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "describe-audit-events",
      "Mutating calls, newest first: who, project, source, parameters, outcome (admin)",
      verb_group::kIdentity,
      "gureum describe-audit-events --filters Name=user-name,Values=alice -o table",
      [audit](CommandContext& ctx) {
        v1::DescribeAuditEventsRequest request;
        auto filters = ParseFilterList("--filters", audit->filters);
        if (!filters.ok()) return ctx.UsageError(filters.status());
        for (const auto& f : *filters) *request.add_filters() = f;
        request.set_max_results(audit->max_results);
        request.set_next_token(audit->next_token);
        auto result = ctx.client().DescribeAuditEvents(request);
        return Done(ctx, result, AuditTable(result.response.audit_events()));
      });
  verb->add_option("--filters", audit->filters,
                   "Name=user-name|project-id|operation|outcome|request-id,Values=a,b");
  verb->add_option("--max-results", audit->max_results, "Page size (1-1000, default 100)");
  verb->add_option("--next-token", audit->next_token, "From the previous page's nextToken");
}

}  // namespace gureum::cli
