// Quota verbs: describe-quotas, set-quota (admin).
// Registers them at start-up; not thread-safe.
#pragma once

#include "cli/command_registry.h"

namespace gureum::cli {

void AddQuotaCommands(CommandRegistry& registry);

}  // namespace gureum::cli
