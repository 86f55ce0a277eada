#include "cli/completion/help_reference.h"

namespace gureum::cli {
namespace {

// Help texts end in blank lines and may carry trailing spaces; a fenced block
// keeps them verbatim, so they are trimmed to keep the Markdown clean.
std::string TrimLines(const std::string& text) {
  std::string trimmed;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    line.erase(line.find_last_not_of(' ') + 1);
    trimmed += line + "\n";
    start = end + 1;
  }
  while (trimmed.size() >= 2 && trimmed.substr(trimmed.size() - 2) == "\n\n") trimmed.pop_back();
  return trimmed;
}

std::string Section(const std::string& title, const std::string& help) {
  return "### `" + title + "`\n\n```text\n" + TrimLines(help) + "```\n\n";
}

// A verb's --help text. App::help() would describe the verb chosen on this command
// line (help-reference itself) instead, so the formatter is asked directly.
std::string HelpOf(const CLI::App& app, const std::string& usage_name) {
  return app.get_formatter()->make_help(&app, usage_name, CLI::AppFormatMode::Normal);
}

}  // namespace

std::string HelpReference::Markdown(CLI::App& root, const VerbCatalog& catalog) {
  std::string markdown = std::string(kBeginMarker) + "\n\n";
  markdown += Section("gureum", HelpOf(root, "gureum"));
  for (const auto& verb : catalog.verbs()) {
    markdown += Section("gureum " + verb.path, HelpOf(*verb.app, "gureum " + verb.path));
  }
  markdown += std::string(kEndMarker) + "\n";
  return markdown;
}

}  // namespace gureum::cli
