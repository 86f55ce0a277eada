// Key pair verbs: create-key-pair, import-key-pair, describe-key-pairs,
// delete-key-pair.
// Registers them at start-up; not thread-safe.
#pragma once

#include "cli/command_registry.h"

namespace gureum::cli {

void AddKeyPairCommands(CommandRegistry& registry);

}  // namespace gureum::cli
