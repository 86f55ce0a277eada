#include "cli/commands/instance_commands.h"

#include <memory>

#include "cli/commands/instance_wait.h"
#include "cli/output/resource_tables.h"
#include "cli/parse/argument_parsers.h"
#include "cli/rpc/instance_pages.h"

namespace gureum::cli {
namespace {

constexpr char kIdsHelp[] = "Instance ids (space- or comma-separated; also accepted as arguments)";

struct RunInstancesOptions {
  std::string image_id;
  std::string instance_type;
  std::string count;
  int min_count = 0;
  int max_count = 0;
  std::string key_name;
  std::string user_data;
  std::vector<std::string> tags;
  std::string client_token;
  std::string availability_zone;
  std::string placement_group;
  bool dry_run = false;
  WaitFlags wait;
  // Presence matters, not just the value: --count excludes --min/--max-count.
  CLI::Option* count_option = nullptr;
  CLI::Option* min_count_option = nullptr;
  CLI::Option* max_count_option = nullptr;
  CLI::Option* user_data_option = nullptr;
};

struct DescribeInstancesOptions {
  std::vector<std::string> instance_ids;
  std::vector<std::string> filters;
  int max_items = 0;
  int page_size = 0;
  std::string starting_token;
};

struct InstanceIdsOptions {
  std::vector<std::string> instance_ids;
  std::vector<std::string> positional_ids;
  bool dry_run = false;
  bool force = false;  // stop-instances only
  WaitFlags wait;
};

struct ConsoleOutputOptions {
  std::string instance_id;
  bool latest = false;
};

void AddIdOptions(CLI::App& verb, InstanceIdsOptions& options) {
  verb.add_option("--instance-ids", options.instance_ids, kIdsHelp)->delimiter(',');
  verb.add_option("instance-id", options.positional_ids, "Instance ids");
  verb.add_flag("--dry-run", options.dry_run,
                "Check permissions and parameters without acting (DryRunOperation = success)");
}

// Ids from --instance-ids and arguments; a usage error when there are none.
absl::StatusOr<std::vector<std::string>> RequireIds(const InstanceIdsOptions& options) {
  std::vector<std::string> ids = CollectIds(options.instance_ids, options.positional_ids);
  if (ids.empty()) {
    return absl::InvalidArgumentError(
        "--instance-ids: at least one instance id is required (as --instance-ids or as "
        "arguments)");
  }
  return ids;
}

ExitCode RunInstances(CommandContext& ctx, const RunInstancesOptions& options) {
  std::optional<std::string> count;
  std::optional<int> min_count;
  std::optional<int> max_count;
  if (options.count_option->count() > 0) count = options.count;
  if (options.min_count_option->count() > 0) min_count = options.min_count;
  if (options.max_count_option->count() > 0) max_count = options.max_count;
  auto resolved = ResolveInstanceCount(count, min_count, max_count);
  if (!resolved.ok()) return ctx.UsageError(resolved.status());

  v1::RunInstancesRequest request;
  request.set_image_id(options.image_id);
  request.set_instance_type(options.instance_type);
  request.set_min_count(resolved->min);
  request.set_max_count(resolved->max);
  request.set_key_name(options.key_name);
  request.set_client_token(options.client_token);
  request.set_dry_run(options.dry_run);
  if (options.user_data_option->count() > 0) {
    auto user_data = ReadFileArgument("--user-data", options.user_data);
    if (!user_data.ok()) return ctx.UsageError(user_data.status());
    request.set_user_data(*user_data);
  }
  for (const auto& value : options.tags) {
    auto tag = ParseTag("--tag", value);
    if (!tag.ok()) return ctx.UsageError(tag.status());
    *request.add_tags() = *std::move(tag);
  }
  if (!options.availability_zone.empty() || !options.placement_group.empty()) {
    request.mutable_placement()->set_availability_zone(options.availability_zone);
    request.mutable_placement()->set_group_name(options.placement_group);
  }

  auto result = ctx.client().RunInstances(request);
  if (!result.ok()) return ctx.CallFailed(result);

  ExitCode code = ExitCode::kOk;
  if (options.wait.wait) {
    std::vector<std::string> ids;
    for (const auto& instance : result.response.instances()) ids.push_back(instance.instance_id());
    std::map<std::string, v1::Instance> last_seen;
    code = WaitForInstances(ctx, ids, WaitTarget::Running(), options.wait.settings(), &last_seen);
    // Show the instances as the wait left them (state, host, address), in the
    // reply's shape so the JSON stays the same with and without --wait.
    for (auto& instance : *result.response.mutable_instances()) {
      auto it = last_seen.find(instance.instance_id());
      if (it != last_seen.end()) instance = it->second;
    }
  }
  ctx.printer().Print(result.response, InstancesTable(result.response.instances()));
  return code;
}

ExitCode DescribeInstances(CommandContext& ctx, const DescribeInstancesOptions& options) {
  auto filters = ParseFilterList("--filters", options.filters);
  if (!filters.ok()) return ctx.UsageError(filters.status());
  v1::DescribeInstancesRequest request;
  for (const auto& id : CollectIds(options.instance_ids)) request.add_instance_ids(id);
  for (auto& filter : *filters) *request.add_filters() = std::move(filter);
  request.set_next_token(options.starting_token);

  auto result = DescribeInstancePages(ctx.client(), request,
                                      PageLimits{options.max_items, options.page_size});
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, InstancesTable(result.response.instances()));
  if (!result.response.next_token().empty() && ctx.printer().format() != OutputFormat::kJson) {
    ctx.err() << "More instances: continue with --starting-token " << result.response.next_token()
              << std::endl;
  }
  return ExitCode::kOk;
}

// start, stop and terminate share their shape: ids in, state changes out, an
// optional wait for the state they lead to.
template <typename Request>
ExitCode ChangeInstanceStates(
    CommandContext& ctx, const InstanceIdsOptions& options, Request request,
    RpcResult<v1::InstanceStateChangeResponse> (ComputeClient::*call)(const Request&),
    const WaitTarget& target) {
  auto ids = RequireIds(options);
  if (!ids.ok()) return ctx.UsageError(ids.status());
  for (const auto& id : *ids) request.add_instance_ids(id);
  request.set_dry_run(options.dry_run);

  auto result = (ctx.client().*call)(request);
  if (!result.ok()) return ctx.CallFailed(result);

  ExitCode code = ExitCode::kOk;
  if (options.wait.wait) {
    std::map<std::string, v1::Instance> last_seen;
    code = WaitForInstances(ctx, *ids, target, options.wait.settings(), &last_seen);
    for (auto& change : *result.response.mutable_instances()) {
      auto it = last_seen.find(change.instance_id());
      if (it != last_seen.end()) *change.mutable_current_state() = it->second.state();
    }
  }
  ctx.printer().Print(result.response, StateChangesTable(result.response.instances()));
  return code;
}

ExitCode RebootInstances(CommandContext& ctx, const InstanceIdsOptions& options) {
  auto ids = RequireIds(options);
  if (!ids.ok()) return ctx.UsageError(ids.status());
  v1::RebootInstancesRequest request;
  for (const auto& id : *ids) request.add_instance_ids(id);
  request.set_dry_run(options.dry_run);
  auto result = ctx.client().RebootInstances(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().PrintEmpty(result.response);
  return ExitCode::kOk;
}

ExitCode GetConsoleOutput(CommandContext& ctx, const ConsoleOutputOptions& options) {
  if (options.instance_id.empty()) {
    return ctx.UsageError(absl::InvalidArgumentError(
        "--instance-id: an instance id is required (as --instance-id or as an argument)"));
  }
  v1::GetConsoleOutputRequest request;
  request.set_instance_id(options.instance_id);
  request.set_latest(options.latest);
  auto result = ctx.client().GetConsoleOutput(request);
  if (!result.ok()) return ctx.CallFailed(result);
  if (ctx.blob_as_json()) {
    ctx.printer().Print(result.response, Table({}));
  } else {
    const std::string& output = result.response.output();
    ctx.out().write(output.data(), static_cast<std::streamsize>(output.size()));
    ctx.out().flush();
  }
  return ExitCode::kOk;
}

void AddRunInstances(CommandRegistry& registry) {
  auto options = std::make_shared<RunInstancesOptions>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "run-instances", "Launch instances from an image", verb_group::kInstances,
      "gureum run-instances --image-id ami-0123456789abcdef0 --instance-type g1.small \\\n"
      "    --count 2 --key-name mykey --user-data file://cloud-init.yaml --tag Name=web --wait",
      [options](CommandContext& ctx) { return RunInstances(ctx, *options); });
  verb->add_option("--image-id", options->image_id, "Image to boot (ami-...)")->required();
  verb->add_option("--instance-type", options->instance_type, "Instance type, e.g. g1.small");
  options->count_option =
      verb->add_option("--count", options->count, "N instances, or MIN:MAX (as many as fit)");
  options->min_count_option =
      verb->add_option("--min-count", options->min_count, "Fewest instances to launch");
  options->max_count_option =
      verb->add_option("--max-count", options->max_count, "Most instances to launch");
  verb->add_option("--key-name", options->key_name, "Key pair whose public key is installed");
  options->user_data_option = verb->add_option(
      "--user-data", options->user_data, "User data: literal text, or file://PATH (read raw)");
  verb->add_option("--tag", options->tags, "Tag KEY=VALUE (repeatable)");
  verb->add_option("--client-token", options->client_token,
                   "Idempotency token: a retry with the same token launches nothing new");
  verb->add_option("--availability-zone", options->availability_zone, "Availability zone");
  verb->add_option("--placement-group", options->placement_group, "Placement group name");
  verb->add_flag("--dry-run", options->dry_run,
                 "Check permissions and parameters without launching");
  AddWaitFlags(*verb, options->wait, "running");
}

void AddDescribeInstances(CommandRegistry& registry) {
  auto options = std::make_shared<DescribeInstancesOptions>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "describe-instances", "List instances (all pages unless --max-items)",
      verb_group::kInstances,
      "gureum describe-instances --filters Name=instance-state-name,Values=running,stopped \\\n"
      "    --filters Name=tag:Name,Values=web -o table",
      [options](CommandContext& ctx) { return DescribeInstances(ctx, *options); });
  verb->add_option("--instance-ids", options->instance_ids, kIdsHelp)->delimiter(',');
  verb->add_option("--filters", options->filters,
                   "Name=NAME,Values=V1[,V2...] or JSON (repeatable). Names: instance-id, "
                   "instance-state-name, instance-type, image-id, key-name, host-name, "
                   "private-ip-address, reservation-id, tag-key, tag:KEY");
  verb->add_option("--max-items", options->max_items,
                   "Return at most N instances; prints where to continue")
      ->check(CLI::PositiveNumber);
  verb->add_option("--page-size", options->page_size, "Instances per call (1-1000)")
      ->check(CLI::Range(1, 1000));
  verb->add_option("--starting-token", options->starting_token,
                   "Continue a listing cut short by --max-items");
}

void AddStateChangeVerbs(CommandRegistry& registry) {
  auto start = std::make_shared<InstanceIdsOptions>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "start-instances", "Start stopped instances", verb_group::kInstances,
      "gureum start-instances i-0123456789abcdef0 --wait", [start](CommandContext& ctx) {
        return ChangeInstanceStates(ctx, *start, v1::StartInstancesRequest(),
                                    &ComputeClient::StartInstances, WaitTarget::Running());
      });
  AddIdOptions(*verb, *start);
  AddWaitFlags(*verb, start->wait, "running");

  auto stop = std::make_shared<InstanceIdsOptions>();
  verb = registry.AddVerb(
      registry.root(), "stop-instances", "Stop running instances (ACPI shutdown, or --force)",
      verb_group::kInstances, "gureum stop-instances --instance-ids i-0123456789abcdef0 --wait",
      [stop](CommandContext& ctx) {
        v1::StopInstancesRequest request;
        request.set_force(stop->force);
        return ChangeInstanceStates(ctx, *stop, request, &ComputeClient::StopInstances,
                                    WaitTarget::Stopped());
      });
  AddIdOptions(*verb, *stop);
  verb->add_flag("--force", stop->force, "Power off at once instead of a clean shutdown");
  AddWaitFlags(*verb, stop->wait, "stopped");

  auto reboot = std::make_shared<InstanceIdsOptions>();
  verb = registry.AddVerb(registry.root(), "reboot-instances", "Reboot running instances",
                          verb_group::kInstances, "gureum reboot-instances i-0123456789abcdef0",
                          [reboot](CommandContext& ctx) { return RebootInstances(ctx, *reboot); });
  AddIdOptions(*verb, *reboot);

  auto terminate = std::make_shared<InstanceIdsOptions>();
  verb = registry.AddVerb(
      registry.root(), "terminate-instances", "Terminate instances (their disks are deleted)",
      verb_group::kInstances, "gureum terminate-instances i-0123456789abcdef0 --wait",
      [terminate](CommandContext& ctx) {
        return ChangeInstanceStates(ctx, *terminate, v1::TerminateInstancesRequest(),
                                    &ComputeClient::TerminateInstances, WaitTarget::Terminated());
      });
  AddIdOptions(*verb, *terminate);
  AddWaitFlags(*verb, terminate->wait, "terminated");
}

void AddGetConsoleOutput(CommandRegistry& registry) {
  auto options = std::make_shared<ConsoleOutputOptions>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "get-console-output",
      "Print an instance's serial console output (raw; JSON only with -o json)",
      verb_group::kInstances, "gureum get-console-output --instance-id i-0123456789abcdef0",
      [options](CommandContext& ctx) { return GetConsoleOutput(ctx, *options); });
  auto* id = verb->add_option("--instance-id", options->instance_id, "Instance id");
  auto* positional = verb->add_option("instance-id", options->instance_id, "Instance id");
  id->excludes(positional);
  verb->add_flag("--latest", options->latest, "Only the most recent output");
}

}  // namespace

void AddInstanceCommands(CommandRegistry& registry) {
  AddRunInstances(registry);
  AddDescribeInstances(registry);
  AddStateChangeVerbs(registry);
  AddGetConsoleOutput(registry);
}

}  // namespace gureum::cli
