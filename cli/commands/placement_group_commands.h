// Placement group and availability zone verbs: create-placement-group,
// describe-placement-groups, delete-placement-group, describe-availability-zones.
// Registers them at start-up; not thread-safe.
#pragma once

#include "cli/command_registry.h"

namespace gureum::cli {

void AddPlacementGroupCommands(CommandRegistry& registry);

}  // namespace gureum::cli
