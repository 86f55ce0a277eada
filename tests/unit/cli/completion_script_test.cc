#include "cli/completion/completion_script.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/unit/cli/cli_harness.h"

namespace gureum::cli {
namespace {

using testing::CliHarness;
using testing::CliRun;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Runs bash's completion function on `words` (the last one being completed) and
// returns the candidates, one a line.
std::string CompleteInBash(const std::string& script, const std::string& words) {
  auto path = std::filesystem::temp_directory_path() /
              ("gureum-completion-" + std::to_string(::getpid()) + ".bash");
  std::ofstream(path) << script;
  std::string command = "bash -c 'source " + path.string() + "; COMP_WORDS=(" + words +
                        "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _gureum; "
                        "printf \"%s\\n\" \"${COMPREPLY[@]}\"' 2>&1";
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  ::pclose(pipe);
  std::filesystem::remove(path);
  return output;
}

// Runs the zsh completion function outside a completion widget: `words` and
// CURRENT are set by hand, and compadd, _describe and compdef are stubs that
// print what they were offered (without zsh's prefix filtering), one a line.
// nullopt when zsh is not installed.
std::optional<std::string> CompleteInZsh(const std::string& script, const std::string& words) {
  if (std::system("command -v zsh >/dev/null 2>&1") != 0) return std::nullopt;
  auto path = std::filesystem::temp_directory_path() /
              ("gureum-completion-" + std::to_string(::getpid()) + ".zsh");
  std::ofstream(path) << script;
  std::string command =
      "zsh -c 'compdef() { :; }; compadd() { shift; print -l -- \"$@\"; }; "
      "_describe() { print -l -- \"${(@P)4}\"; }; source " +
      path.string() + "; words=(" + words + "); CURRENT=${#words}; _gureum' 2>&1";
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  ::pclose(pipe);
  std::filesystem::remove(path);
  return output;
}

}  // namespace

TEST_CASE("gureum completion bash completes verbs, options and output formats") {
  // This test verifies the generated bash script by running its completion function
  // in a real bash on several partial command lines.
  CliHarness harness;
  CliRun run = harness.Run({"completion", "bash"});
  REQUIRE(run.exit_code == 0);
  CHECK(Contains(run.out, "complete -F _gureum gureum"));
  CHECK(harness.endpoints_dialled.empty());

  std::string verbs = CompleteInBash(run.out, "gureum describe-");
  CHECK(Contains(verbs, "describe-instances\n"));
  CHECK(Contains(verbs, "describe-placement-groups\n"));
  CHECK(Contains(verbs, "describe-availability-zones\n"));
  CHECK_FALSE(Contains(verbs, "run-instances"));
  CHECK_FALSE(Contains(verbs, "help-reference"));

  std::string options = CompleteInBash(run.out, "gureum --debug run-instances --image-id x --pl");
  CHECK(options == "--placement-group\n");
  std::string globals = CompleteInBash(run.out, "gureum set-quota --pro");
  CHECK(Contains(globals, "--project-id\n"));
  CHECK(Contains(globals, "--profile\n"));

  CHECK(CompleteInBash(run.out, "gureum wait instance-r") == "instance-running\n");
  CHECK(CompleteInBash(run.out, "gureum wait instance-running --po") == "--poll-interval-ms\n");
  // --timeout is both the waiter's and a global option: offered once.
  CHECK(CompleteInBash(run.out, "gureum wait instance-running --tim") == "--timeout\n");
  CHECK(CompleteInBash(run.out, "gureum describe-hosts -o t") == "table\ntext\n");
}

TEST_CASE("gureum completion zsh lists every verb with its summary") {
  // This test verifies the zsh script: its content, and its completion function run
  // in a real zsh where zsh is installed.
  CliHarness harness;
  CliRun run = harness.Run({"completion", "zsh"});
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.rfind("#compdef gureum\n", 0) == 0);
  CHECK(Contains(run.out, "'create-placement-group:Create a placement group"));
  CHECK(Contains(run.out, "'disable-host' '--help -h --host-id --reason"));
  CHECK(Contains(run.out, "'wait instance-stopped' '"));
  CHECK(Contains(run.out, "compdef _gureum gureum"));
  CHECK_FALSE(Contains(run.out, "help-reference"));

  // The same in a real zsh when there is one.
  std::optional<std::string> verbs = CompleteInZsh(run.out, "gureum --debug desc");
  if (!verbs) {
    WARN("zsh is not installed: the zsh script was not run");
    return;
  }
  CHECK(Contains(*verbs, "\ndescribe-quotas:Show a project's quotas and usage"));
  std::string options = CompleteInZsh(run.out, "gureum wait instance-running --po").value();
  CHECK(Contains(options, "\n--poll-interval-ms\n"));
  CHECK(Contains(options, "\n--profile\n"));
  CHECK_FALSE(Contains(options, "--wait-timeout"));
  CHECK(CompleteInZsh(run.out, "gureum describe-hosts -o \"\"").value() == "json\ntable\ntext\n");
}

TEST_CASE("completion without a known shell is a usage error") {
  // This test verifies exit code 2 for a missing or unknown shell.
  CliHarness harness;
  CHECK(harness.Run({"completion"}).exit_code == 2);
  CHECK(harness.Run({"completion", "fish"}).exit_code == 2);
}

}  // namespace gureum::cli
