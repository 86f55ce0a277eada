// Instance type verbs: describe-instance-types, and the admin verbs
// create-instance-type and delete-instance-type.
// Registers them at start-up; not thread-safe.
#pragma once

#include "cli/command_registry.h"

namespace gureum::cli {

void AddInstanceTypeCommands(CommandRegistry& registry);

}  // namespace gureum::cli
