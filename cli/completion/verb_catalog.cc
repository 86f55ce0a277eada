#include "cli/completion/verb_catalog.h"

namespace gureum::cli {
namespace {

std::vector<std::string> OptionNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    for (const auto& name : option->get_snames()) names.push_back("-" + name);
  }
  return names;
}

bool Visible(CLI::App* app) { return !app->get_group().empty(); }

}  // namespace

VerbCatalog::VerbCatalog(CLI::App& root) {
  global_options_ = OptionNames(root);
  for (CLI::App* verb : root.get_subcommands(Visible)) top_verbs_.push_back(verb->get_name());
  AddVerbs(root, "");
}

void VerbCatalog::AddVerbs(CLI::App& parent, const std::string& prefix) {
  for (CLI::App* app : parent.get_subcommands(Visible)) {
    CatalogVerb verb;
    verb.path = prefix + app->get_name();
    verb.description = app->get_description();
    verb.options = OptionNames(*app);
    verb.app = app;
    for (CLI::App* sub : app->get_subcommands(Visible)) verb.verbs.push_back(sub->get_name());
    verbs_.push_back(std::move(verb));
    AddVerbs(*app, verbs_.back().path + " ");
  }
}

}  // namespace gureum::cli
