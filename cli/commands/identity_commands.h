// Identity and access verbs: get-caller-identity, projects, users, roles,
// access keys and the audit log (docs/security.md).
#pragma once

#include "cli/command_registry.h"

namespace gureum::cli {

void AddIdentityCommands(CommandRegistry& registry);

}  // namespace gureum::cli
