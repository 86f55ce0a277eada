// Instance verbs: run-instances, describe-instances, start-instances,
// stop-instances, reboot-instances, terminate-instances, get-console-output.
// Registers them at start-up; not thread-safe.
#pragma once

#include "cli/command_registry.h"

namespace gureum::cli {

void AddInstanceCommands(CommandRegistry& registry);

}  // namespace gureum::cli
