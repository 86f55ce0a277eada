// Host verbs (admin): describe-hosts, disable-host, enable-host.
// Registers them at start-up; not thread-safe.
#pragma once

#include "cli/command_registry.h"

namespace gureum::cli {

void AddHostCommands(CommandRegistry& registry);

}  // namespace gureum::cli
