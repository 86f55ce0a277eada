#include "cli/commands/placement_group_commands.h"

#include <memory>

#include "cli/output/resource_tables.h"
#include "cli/parse/argument_parsers.h"

namespace gureum::cli {
namespace {

struct CreatePlacementGroupOptions {
  std::string group_name;
  std::string strategy;
  std::vector<std::string> tags;
};

struct PlacementGroupIdsOptions {
  std::vector<std::string> group_names;
  std::vector<std::string> group_ids;
};

struct DeletePlacementGroupOptions {
  std::string group_name;
  std::string group_id;
};

ExitCode CreatePlacementGroup(CommandContext& ctx, const CreatePlacementGroupOptions& options) {
  v1::CreatePlacementGroupRequest request;
  request.set_group_name(options.group_name);
  request.set_strategy(options.strategy);
  for (const auto& value : options.tags) {
    auto tag = ParseTag("--tag", value);
    if (!tag.ok()) return ctx.UsageError(tag.status());
    *request.add_tags() = *std::move(tag);
  }
  auto result = ctx.client().CreatePlacementGroup(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, PlacementGroupsTable(SingleItem(result.response)));
  return ExitCode::kOk;
}

ExitCode DescribePlacementGroups(CommandContext& ctx, const PlacementGroupIdsOptions& options) {
  v1::DescribePlacementGroupsRequest request;
  for (const auto& name : CollectIds(options.group_names)) request.add_group_names(name);
  for (const auto& id : CollectIds(options.group_ids)) request.add_group_ids(id);
  auto result = ctx.client().DescribePlacementGroups(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, PlacementGroupsTable(result.response.placement_groups()));
  return ExitCode::kOk;
}

ExitCode DeletePlacementGroup(CommandContext& ctx, const DeletePlacementGroupOptions& options) {
  if (options.group_name.empty() && options.group_id.empty()) {
    return ctx.UsageError(
        absl::InvalidArgumentError("--group-name or --group-id: one of them is required"));
  }
  v1::DeletePlacementGroupRequest request;
  request.set_group_name(options.group_name);
  request.set_group_id(options.group_id);
  auto result = ctx.client().DeletePlacementGroup(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().PrintEmpty(result.response);
  return ExitCode::kOk;
}

ExitCode DescribeAvailabilityZones(CommandContext& ctx, const std::vector<std::string>& names) {
  v1::DescribeAvailabilityZonesRequest request;
  for (const auto& name : CollectIds(names)) request.add_zone_names(name);
  auto result = ctx.client().DescribeAvailabilityZones(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response,
                      AvailabilityZonesTable(result.response.availability_zones()));
  return ExitCode::kOk;
}

void AddCreatePlacementGroup(CommandRegistry& registry) {
  auto options = std::make_shared<CreatePlacementGroupOptions>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "create-placement-group",
      "Create a placement group: spread (one instance per host, strict) or cluster (few hosts)",
      verb_group::kPlacement,
      "gureum create-placement-group --group-name web-spread --strategy spread --tag team=web\n"
      "gureum run-instances --image-id ami-0123456789abcdef0 --count 3 --placement-group "
      "web-spread",
      [options](CommandContext& ctx) { return CreatePlacementGroup(ctx, *options); });
  verb->add_option("--group-name", options->group_name,
                   "Name, unique in the project (1-255 characters)")
      ->required();
  verb->add_option("--strategy", options->strategy, "spread | cluster")
      ->required()
      ->check(CLI::IsMember({"spread", "cluster"}));
  verb->add_option("--tag", options->tags, "Tag KEY=VALUE (repeatable)");
}

void AddDescribePlacementGroups(CommandRegistry& registry) {
  auto options = std::make_shared<PlacementGroupIdsOptions>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "describe-placement-groups",
      "List placement groups with their strategy and instance count", verb_group::kPlacement,
      "gureum describe-placement-groups --group-names web-spread,db-cluster -o table",
      [options](CommandContext& ctx) { return DescribePlacementGroups(ctx, *options); });
  verb->add_option("--group-names", options->group_names, "Group names")->delimiter(',');
  verb->add_option("--group-ids", options->group_ids, "Group ids (pg-...)")->delimiter(',');
}

void AddDeletePlacementGroup(CommandRegistry& registry) {
  auto options = std::make_shared<DeletePlacementGroupOptions>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "delete-placement-group",
      "Delete a placement group (refused while it has instances)", verb_group::kPlacement,
      "gureum delete-placement-group --group-name web-spread",
      [options](CommandContext& ctx) { return DeletePlacementGroup(ctx, *options); });
  CLI::Option* name = verb->add_option("--group-name", options->group_name, "Group name");
  CLI::Option* id = verb->add_option("--group-id", options->group_id, "Group id (pg-...)");
  name->excludes(id);
}

void AddDescribeAvailabilityZones(CommandRegistry& registry) {
  auto names = std::make_shared<std::vector<std::string>>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "describe-availability-zones",
      "List availability zones with their hosts, capacity and allocation", verb_group::kPlacement,
      "gureum describe-availability-zones -o table\n"
      "gureum describe-availability-zones --zone-names zone-a",
      [names](CommandContext& ctx) { return DescribeAvailabilityZones(ctx, *names); });
  verb->add_option("--zone-names", *names, "Zone names")->delimiter(',');
}

}  // namespace

void AddPlacementGroupCommands(CommandRegistry& registry) {
  AddCreatePlacementGroup(registry);
  AddDescribePlacementGroups(registry);
  AddDeletePlacementGroup(registry);
  AddDescribeAvailabilityZones(registry);
}

}  // namespace gureum::cli
