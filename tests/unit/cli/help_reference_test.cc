#include "cli/completion/help_reference.h"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "cli/completion/verb_catalog.h"
#include "tests/unit/cli/cli_harness.h"

namespace gureum::cli {
namespace {

using testing::CliHarness;
using testing::CliRun;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("every verb's help has an example") {
  // This test verifies `gureum VERB --help` for every visible verb, nested ones too.
  CliHarness harness;
  CliRun reference = harness.Run({"help-reference"});
  REQUIRE(reference.exit_code == 0);
  std::istringstream lines(reference.out);
  std::string line;
  int verbs = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("### `gureum ", 0) != 0 || line == "### `gureum`") continue;
    std::string path = line.substr(12, line.size() - 13);
    std::vector<std::string> args;
    std::istringstream words(path);
    for (std::string word; words >> word;) args.push_back(word);
    args.push_back("--help");
    CliRun help = harness.Run(args);
    CAPTURE(path);
    CHECK(help.exit_code == 0);
    CHECK(Contains(help.out, "Usage: gureum " + path));
    CHECK(Contains(help.out, "Example:\n  "));
    ++verbs;
  }
  CHECK(verbs >= 30);
}

TEST_CASE("the reference in docs/cli.md is the CLI's current help") {
  // This test verifies that docs/cli.md was regenerated (cli/gen-reference.sh) after
  // the last change to a verb, an option or a help text.
  CliHarness harness;
  CliRun reference = harness.Run({"help-reference"});
  REQUIRE(reference.exit_code == 0);
  CHECK(reference.out.rfind(HelpReference::kBeginMarker, 0) == 0);
  CHECK(Contains(reference.out, "### `gureum describe-availability-zones`"));
  CHECK_FALSE(Contains(reference.out, "### `gureum help-reference`"));

  std::ifstream docs(GUREUM_SOURCE_DIR "/docs/cli.md");
  REQUIRE(docs);
  std::stringstream text;
  text << docs.rdbuf();
  std::string doc = text.str();
  size_t begin = doc.find(HelpReference::kBeginMarker);
  size_t end = doc.find(HelpReference::kEndMarker);
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  std::string embedded =
      doc.substr(begin, end - begin + std::string(HelpReference::kEndMarker).size()) + "\n";
  if (embedded != reference.out) FAIL("docs/cli.md is stale: run cli/gen-reference.sh");
}

}  // namespace gureum::cli
