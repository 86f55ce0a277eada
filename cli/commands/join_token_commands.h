// Join token verb (admin): create-join-token, the one-time secret with which a
// new host's agent gets its client certificate (gureum-agent --join-token).
// Registers it at start-up; not thread-safe.
#pragma once

#include "cli/command_registry.h"

namespace gureum::cli {

void AddJoinTokenCommands(CommandRegistry& registry);

}  // namespace gureum::cli
