// The verbs the command line knows: each is a CLI11 subcommand plus the action that
// runs when it is the one chosen. Verb groups (instance_commands.cc, ...) add theirs
// here. Not thread-safe; built once at start-up.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace gureum::cli {

using VerbAction = std::function<ExitCode(CommandContext&)>;

// Help sections, so `gureum --help` lists verbs by resource.
namespace verb_group {
inline constexpr char kInstances[] = "Instances";
inline constexpr char kInstanceTypes[] = "Instance types";
inline constexpr char kImages[] = "Images";
inline constexpr char kKeyPairs[] = "Key pairs";
inline constexpr char kHosts[] = "Hosts";
inline constexpr char kPlacement[] = "Placement groups and availability zones";
inline constexpr char kQuotas[] = "Quotas";
inline constexpr char kIdentity[] = "Identity and access";
inline constexpr char kEvents[] = "Events";
inline constexpr char kWaiters[] = "Waiters";
inline constexpr char kShell[] = "Shell";
}  // namespace verb_group

class CommandRegistry {
 public:
  explicit CommandRegistry(CLI::App& root) : root_(root) {}

  CLI::App& root() { return root_; }

  // A verb under `parent` (the root, or a group verb such as `wait`). `example` is
  // one or more command lines shown at the end of the verb's --help.
  CLI::App* AddVerb(CLI::App& parent, const std::string& name, const std::string& description,
                    const std::string& group, const std::string& example, VerbAction action);
  // A verb that only holds other verbs (`wait`).
  CLI::App* AddGroupVerb(const std::string& name, const std::string& description,
                         const std::string& group, const std::string& example);

  // The action of `verb`, or nullptr for a group verb or the root.
  const VerbAction* Find(const CLI::App* verb) const;

 private:
  CLI::App& root_;
  std::map<const CLI::App*, VerbAction> actions_;
};

}  // namespace gureum::cli
