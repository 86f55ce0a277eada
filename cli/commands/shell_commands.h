// Verbs about the CLI itself: `completion bash|zsh` (shell completion scripts) and
// the hidden `help-reference` (the Markdown reference embedded in docs/cli.md).
// Registers them at start-up, after every other verb, since both describe the
// finished tree; not thread-safe.
#pragma once

#include "cli/command_registry.h"

namespace gureum::cli {

void AddShellCommands(CommandRegistry& registry);

}  // namespace gureum::cli
