#include "cli/commands/quota_commands.h"

#include <limits>
#include <memory>

#include "cli/output/resource_tables.h"

namespace gureum::cli {
namespace {

struct SetQuotaOptions {
  std::string project_id;
  std::string resource;
  int64_t limit = 0;
};

ExitCode DescribeQuotas(CommandContext& ctx, const std::string& project_id) {
  v1::DescribeQuotasRequest request;
  request.set_project_id(project_id);
  auto result = ctx.client().DescribeQuotas(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, QuotasTable(result.response.quotas()));
  return ExitCode::kOk;
}

ExitCode SetQuota(CommandContext& ctx, const SetQuotaOptions& options) {
  v1::SetQuotaRequest request;
  request.set_project_id(options.project_id);
  request.set_resource(options.resource);
  request.set_limit(options.limit);
  auto result = ctx.client().SetQuota(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, QuotasTable(SingleItem(result.response)));
  return ExitCode::kOk;
}

}  // namespace

void AddQuotaCommands(CommandRegistry& registry) {
  auto project = std::make_shared<std::string>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "describe-quotas",
      "Show a project's quotas and usage (instances, vcpus, memory-mib, disk-gib)",
      verb_group::kQuotas, "gureum describe-quotas\ngureum describe-quotas --project-id p-team-a",
      [project](CommandContext& ctx) { return DescribeQuotas(ctx, *project); });
  verb->add_option("--project-id", *project, "Project (default: the caller's)");

  auto set = std::make_shared<SetQuotaOptions>();
  verb = registry.AddVerb(registry.root(), "set-quota",
                          "Set one quota of a project; -1 = unlimited (admin)", verb_group::kQuotas,
                          "gureum set-quota --project-id p-team-a --resource vcpus --limit 64\n"
                          "gureum set-quota --resource instances --limit -1",
                          [set](CommandContext& ctx) { return SetQuota(ctx, *set); });
  verb->add_option("--resource", set->resource, "instances | vcpus | memory-mib | disk-gib")
      ->required()
      ->check(CLI::IsMember({"instances", "vcpus", "memory-mib", "disk-gib"}));
  verb->add_option("--limit", set->limit, "New limit, -1 for unlimited")
      ->required()
      ->check(CLI::Range(int64_t{-1}, std::numeric_limits<int64_t>::max()));
  verb->add_option("--project-id", set->project_id, "Project (default: the caller's)");
}

}  // namespace gureum::cli
