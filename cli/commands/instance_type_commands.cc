#include "cli/commands/instance_type_commands.h"

#include <memory>

#include "cli/commands/verb_options.h"
#include "cli/output/resource_tables.h"
#include "cli/parse/argument_parsers.h"

namespace gureum::cli {
namespace {

struct CreateInstanceTypeOptions {
  std::string instance_type;
  int vcpus = 0;
  int64_t memory_mib = 0;
  int64_t root_disk_gib = 0;
  std::string hypervisor;
};

ExitCode DescribeInstanceTypes(CommandContext& ctx, const std::vector<std::string>& names) {
  v1::DescribeInstanceTypesRequest request;
  for (const auto& name : CollectIds(names)) request.add_instance_types(name);
  auto result = ctx.client().DescribeInstanceTypes(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, InstanceTypesTable(result.response.instance_types()));
  return ExitCode::kOk;
}

ExitCode CreateInstanceType(CommandContext& ctx, const CreateInstanceTypeOptions& options) {
  v1::CreateInstanceTypeRequest request;
  v1::InstanceTypeInfo* type = request.mutable_instance_type();
  type->set_instance_type(options.instance_type);
  type->set_vcpus(options.vcpus);
  type->set_memory_mib(options.memory_mib);
  type->set_root_disk_gib(options.root_disk_gib);
  type->set_hypervisor(options.hypervisor);
  auto result = ctx.client().CreateInstanceType(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, InstanceTypesTable(SingleItem(result.response)));
  return ExitCode::kOk;
}

ExitCode DeleteInstanceType(CommandContext& ctx, const std::string& name) {
  if (auto missing = RequireValue("--instance-type", name, "an instance type"); !missing.ok()) {
    return ctx.UsageError(missing);
  }
  v1::DeleteInstanceTypeRequest request;
  request.set_instance_type(name);
  auto result = ctx.client().DeleteInstanceType(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().PrintEmpty(result.response);
  return ExitCode::kOk;
}

}  // namespace

void AddInstanceTypeCommands(CommandRegistry& registry) {
  auto names = std::make_shared<std::vector<std::string>>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "describe-instance-types", "List instance types (sizes)",
      verb_group::kInstanceTypes, "gureum describe-instance-types --instance-types g1.small",
      [names](CommandContext& ctx) { return DescribeInstanceTypes(ctx, *names); });
  verb->add_option("--instance-types", *names, "Instance type names")->delimiter(',');

  auto create = std::make_shared<CreateInstanceTypeOptions>();
  verb = registry.AddVerb(
      registry.root(), "create-instance-type", "Define an instance type (admin)",
      verb_group::kInstanceTypes,
      "gureum create-instance-type --instance-type g1.small --vcpus 1 --memory-mib 1024 "
      "--root-disk-gib 10\n"
      "gureum create-instance-type --instance-type k1.large --vcpus 4 --memory-mib 8192 "
      "--root-disk-gib 40 --hypervisor kvm",
      [create](CommandContext& ctx) { return CreateInstanceType(ctx, *create); });
  verb->add_option("--instance-type", create->instance_type, "Name, e.g. g1.small")->required();
  verb->add_option("--vcpus", create->vcpus, "Virtual CPUs")
      ->required()
      ->check(CLI::PositiveNumber);
  verb->add_option("--memory-mib", create->memory_mib, "Memory in MiB")
      ->required()
      ->check(CLI::PositiveNumber);
  verb->add_option("--root-disk-gib", create->root_disk_gib, "Root disk size in GiB")
      ->required()
      ->check(CLI::PositiveNumber);
  verb->add_option("--hypervisor", create->hypervisor,
                   "Only hosts of this virt type: kvm | qemu | fake (default: any)")
      ->check(CLI::IsMember({"kvm", "qemu", "fake"}));

  auto name = std::make_shared<std::string>();
  verb =
      registry.AddVerb(registry.root(), "delete-instance-type", "Delete an instance type (admin)",
                       verb_group::kInstanceTypes, "gureum delete-instance-type g1.small",
                       [name](CommandContext& ctx) { return DeleteInstanceType(ctx, *name); });
  AddSingleId(*verb, "instance-type", *name, "Instance type name");
}

}  // namespace gureum::cli
