#include "cli/commands/shell_commands.h"

#include <memory>

#include "cli/completion/completion_script.h"
#include "cli/completion/help_reference.h"
#include "cli/completion/verb_catalog.h"

namespace gureum::cli {

void AddShellCommands(CommandRegistry& registry) {
  CLI::App& root = registry.root();
  auto shell = std::make_shared<std::string>();
  CLI::App* verb = registry.AddVerb(
      root, "completion", "Print a shell completion script for bash or zsh", verb_group::kShell,
      "source <(gureum completion bash)      # in ~/.bashrc\n"
      "source <(gureum completion zsh)       # in ~/.zshrc, after compinit",
      [shell, &root](CommandContext& ctx) {
        VerbCatalog catalog(root);
        ctx.out() << (*shell == "zsh" ? CompletionScript::Zsh(catalog)
                                      : CompletionScript::Bash(catalog))
                  << std::flush;
        return ExitCode::kOk;
      });
  verb->add_option("shell", *shell, "bash | zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));

  // Hidden (no group): for cli/gen-reference.sh, not for users.
  registry.AddVerb(root, "help-reference",
                   "Print the Markdown reference of every verb (docs/cli.md)", "",
                   "gureum help-reference", [&root](CommandContext& ctx) {
                     VerbCatalog catalog(root);
                     ctx.out() << HelpReference::Markdown(root, catalog) << std::flush;
                     return ExitCode::kOk;
                   });
}

}  // namespace gureum::cli
