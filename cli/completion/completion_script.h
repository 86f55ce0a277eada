// Shell completion scripts for `gureum`, generated from the registered verbs and
// their options (`gureum completion bash|zsh`), so they never drift from the CLI.
// They complete verbs, the verbs of group verbs (wait ...), every verb's options
// plus the global ones, and the values of -o/--output. Pure; thread-safe.
#pragma once

#include <string>

#include "cli/completion/verb_catalog.h"

namespace gureum::cli {

class CompletionScript {
 public:
  // For ~/.bashrc: `source <(gureum completion bash)`.
  static std::string Bash(const VerbCatalog& catalog);
  // For zsh: `source <(gureum completion zsh)`, or saved as `_gureum` on $fpath.
  static std::string Zsh(const VerbCatalog& catalog);
};

}  // namespace gureum::cli
