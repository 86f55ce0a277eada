// The verbs of a CLI11 command tree as plain data, for the generators that
// describe them (shell completion, the help reference): each verb's path, summary,
// option names and, for group verbs such as `wait`, their verbs. Hidden verbs (no
// help group) are left out. Built once from a finished tree; read-only after.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace gureum::cli {

struct CatalogVerb {
  std::string path;         // as typed after `gureum`: "run-instances", "wait instance-running"
  std::string description;  // the one-line summary
  std::vector<std::string> options;  // "--image-id", "-o", ... (no positionals)
  std::vector<std::string> verbs;    // names of the verbs under a group verb
  CLI::App* app = nullptr;
};

class VerbCatalog {
 public:
  // `root` must outlive the catalog.
  explicit VerbCatalog(CLI::App& root);

  // Options of the root (global options, --help, --version).
  const std::vector<std::string>& global_options() const { return global_options_; }
  // The root's verbs, in registration order.
  const std::vector<std::string>& top_verbs() const { return top_verbs_; }
  // Every visible verb, depth first, group verbs before their verbs.
  const std::vector<CatalogVerb>& verbs() const { return verbs_; }

 private:
  void AddVerbs(CLI::App& parent, const std::string& prefix);

  std::vector<std::string> global_options_;
  std::vector<std::string> top_verbs_;
  std::vector<CatalogVerb> verbs_;
};

}  // namespace gureum::cli
