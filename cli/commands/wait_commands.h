// The `wait` verb: wait instance-running | instance-stopped | instance-terminated.
// Registers them at start-up; not thread-safe.
#pragma once

#include "cli/command_registry.h"

namespace gureum::cli {

void AddWaitCommands(CommandRegistry& registry);

}  // namespace gureum::cli
