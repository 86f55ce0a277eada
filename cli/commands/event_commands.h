// Event verb: events (WatchEvents), optionally following new events as they happen.
// Registers them at start-up; not thread-safe.
#pragma once

#include "cli/command_registry.h"

namespace gureum::cli {

void AddEventCommands(CommandRegistry& registry);

}  // namespace gureum::cli
