#include "cli/commands/host_commands.h"

#include <memory>

#include "cli/commands/verb_options.h"
#include "cli/output/resource_tables.h"
#include "cli/parse/argument_parsers.h"

namespace gureum::cli {
namespace {

struct HostMaintenanceOptions {
  std::string host;
  std::string reason;
};

ExitCode DescribeHosts(CommandContext& ctx, const std::vector<std::string>& host_ids) {
  v1::DescribeHostsRequest request;
  for (const auto& id : CollectIds(host_ids)) request.add_host_ids(id);
  auto result = ctx.client().DescribeHosts(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, HostsTable(result.response.hosts()));
  return ExitCode::kOk;
}

ExitCode DisableHost(CommandContext& ctx, const HostMaintenanceOptions& options) {
  if (auto missing = RequireValue("--host-id", options.host, "a host id or name"); !missing.ok()) {
    return ctx.UsageError(missing);
  }
  if (options.reason.size() > 255) {
    return ctx.UsageError(
        absl::InvalidArgumentError("--reason: at most 255 characters are allowed"));
  }
  v1::DisableHostRequest request;
  request.set_host_id(options.host);
  request.set_reason(options.reason);
  auto result = ctx.client().DisableHost(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, HostsTable(SingleItem(result.response)));
  return ExitCode::kOk;
}

ExitCode EnableHost(CommandContext& ctx, const HostMaintenanceOptions& options) {
  if (auto missing = RequireValue("--host-id", options.host, "a host id or name"); !missing.ok()) {
    return ctx.UsageError(missing);
  }
  v1::EnableHostRequest request;
  request.set_host_id(options.host);
  auto result = ctx.client().EnableHost(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, HostsTable(SingleItem(result.response)));
  return ExitCode::kOk;
}

}  // namespace

void AddHostCommands(CommandRegistry& registry) {
  auto host_ids = std::make_shared<std::vector<std::string>>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "describe-hosts",
      "List hypervisor hosts: capacity, allocation, instances, maintenance state (admin)",
      verb_group::kHosts, "gureum describe-hosts -o table\ngureum describe-hosts --host-ids host-1",
      [host_ids](CommandContext& ctx) { return DescribeHosts(ctx, *host_ids); });
  verb->add_option("--host-ids", *host_ids, "Host ids or names")->delimiter(',');

  auto disable = std::make_shared<HostMaintenanceOptions>();
  verb = registry.AddVerb(
      registry.root(), "disable-host",
      "Stop placing new instances on a host; its instances keep running (admin)",
      verb_group::kHosts, "gureum disable-host host-1 --reason \"disk replacement, ticket 42\"",
      [disable](CommandContext& ctx) { return DisableHost(ctx, *disable); });
  AddSingleId(*verb, "host-id", disable->host, "Host id or name");
  verb->add_option("--reason", disable->reason,
                   "Why, shown by describe-hosts (at most 255 characters)");

  auto enable = std::make_shared<HostMaintenanceOptions>();
  verb = registry.AddVerb(registry.root(), "enable-host",
                          "Let the scheduler place instances on a host again (admin)",
                          verb_group::kHosts, "gureum enable-host host-1",
                          [enable](CommandContext& ctx) { return EnableHost(ctx, *enable); });
  AddSingleId(*verb, "host-id", enable->host, "Host id or name");
}

}  // namespace gureum::cli
