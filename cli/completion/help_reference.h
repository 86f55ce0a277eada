// The CLI's reference in Markdown, made of its own --help texts: the root's help,
// then every verb's, in registration order. docs/cli.md embeds it between markers
// (cli/gen-reference.sh), and a unit test checks that the embedded copy is current.
// Pure; thread-safe.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/completion/verb_catalog.h"

namespace gureum::cli {

class HelpReference {
 public:
  // Lines that enclose the generated reference in docs/cli.md.
  static constexpr char kBeginMarker[] =
      "<!-- BEGIN GENERATED REFERENCE: cli/gen-reference.sh rewrites this section -->";
  static constexpr char kEndMarker[] = "<!-- END GENERATED REFERENCE -->";

  static std::string Markdown(CLI::App& root, const VerbCatalog& catalog);
};

}  // namespace gureum::cli
