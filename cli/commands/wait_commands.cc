#include "cli/commands/wait_commands.h"

#include <memory>

#include "cli/commands/instance_wait.h"
#include "cli/parse/argument_parsers.h"

namespace gureum::cli {
namespace {

struct WaiterOptions {
  std::vector<std::string> instance_ids;
  std::vector<std::string> positional_ids;
  WaitFlags timing;
};

ExitCode WaitFor(CommandContext& ctx, const WaiterOptions& options, const WaitTarget& target) {
  std::vector<std::string> ids = CollectIds(options.instance_ids, options.positional_ids);
  if (ids.empty()) {
    return ctx.UsageError(absl::InvalidArgumentError(
        "--instance-ids: at least one instance id is required (as --instance-ids or as "
        "arguments)"));
  }
  return WaitForInstances(ctx, ids, target, options.timing.settings(), nullptr);
}

}  // namespace

void AddWaitCommands(CommandRegistry& registry) {
  CLI::App* wait = registry.AddGroupVerb(
      "wait", "Wait until instances reach a state (exit 3 if one ends elsewhere or on timeout)",
      verb_group::kWaiters, "gureum wait instance-running i-0123456789abcdef0 --timeout 300");
  for (const std::string& name : WaitTarget::WaiterNames()) {
    WaitTarget target = *WaitTarget::FromWaiterName(name);
    auto options = std::make_shared<WaiterOptions>();
    CLI::App* verb = registry.AddVerb(
        *wait, name, "Wait until every instance is " + target.state(), verb_group::kWaiters,
        "gureum wait " + name + " i-0123456789abcdef0 i-0fedcba9876543210",
        [options, target](CommandContext& ctx) { return WaitFor(ctx, *options, target); });
    verb->add_option("--instance-ids", options->instance_ids,
                     "Instance ids (space- or comma-separated; also accepted as arguments)")
        ->delimiter(',');
    verb->add_option("instance-id", options->positional_ids, "Instance ids");
    AddWaiterTimingFlags(*verb, options->timing);
  }
}

}  // namespace gureum::cli
