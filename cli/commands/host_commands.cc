#include "cli/commands/host_commands.h"

#include <memory>

#include "cli/output/resource_tables.h"
#include "cli/parse/argument_parsers.h"

namespace gureum::cli {
namespace {

ExitCode DescribeHosts(CommandContext& ctx, const std::vector<std::string>& host_ids) {
  v1::DescribeHostsRequest request;
  for (const auto& id : CollectIds(host_ids)) request.add_host_ids(id);
  auto result = ctx.client().DescribeHosts(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, HostsTable(result.response.hosts()));
  return ExitCode::kOk;
}

}  // namespace

void AddHostCommands(CommandRegistry& registry) {
  auto host_ids = std::make_shared<std::vector<std::string>>();
  CLI::App* verb =
      registry.AddVerb(registry.root(), "describe-hosts",
                       "List hypervisor hosts with their capacity and allocation (admin)",
                       verb_group::kHosts, "gureum describe-hosts -o table",
                       [host_ids](CommandContext& ctx) { return DescribeHosts(ctx, *host_ids); });
  verb->add_option("--host-ids", *host_ids, "Host ids")->delimiter(',');
}

}  // namespace gureum::cli
