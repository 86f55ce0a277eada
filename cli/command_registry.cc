#include "cli/command_registry.h"

namespace gureum::cli {
namespace {

std::string ExampleFooter(const std::string& example) {
  if (example.empty()) return "";
  std::string footer = "\nExample:\n";
  size_t start = 0;
  while (start <= example.size()) {
    size_t end = example.find('\n', start);
    if (end == std::string::npos) end = example.size();
    footer += "  " + example.substr(start, end - start) + "\n";
    start = end + 1;
  }
  footer +=
      "\nGlobal options (--endpoint, --profile, -o/--output, --query, --debug, --timeout; see "
      "gureum --help) may come before or after the verb.\n";
  return footer;
}

}  // namespace

CLI::App* CommandRegistry::AddVerb(CLI::App& parent, const std::string& name,
                                   const std::string& description, const std::string& group,
                                   const std::string& example, VerbAction action) {
  CLI::App* verb = parent.add_subcommand(name, description);
  verb->group(group);
  verb->footer(ExampleFooter(example));
  actions_[verb] = std::move(action);
  return verb;
}

CLI::App* CommandRegistry::AddGroupVerb(const std::string& name, const std::string& description,
                                        const std::string& group, const std::string& example) {
  CLI::App* verb = root_.add_subcommand(name, description);
  verb->group(group);
  verb->footer(ExampleFooter(example));
  verb->require_subcommand(1);
  return verb;
}

const VerbAction* CommandRegistry::Find(const CLI::App* verb) const {
  auto it = actions_.find(verb);
  return it == actions_.end() ? nullptr : &it->second;
}

}  // namespace gureum::cli
