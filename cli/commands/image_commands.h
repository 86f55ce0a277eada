// Image verbs: describe-images, import-image, deregister-image.
// Registers them at start-up; not thread-safe.
#pragma once

#include "cli/command_registry.h"

namespace gureum::cli {

void AddImageCommands(CommandRegistry& registry);

}  // namespace gureum::cli
