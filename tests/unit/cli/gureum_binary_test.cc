// Runs the real `gureum` binary (no controller needed), to cover what only main()
// wires: the environment variables and where the config file is looked for.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

namespace gureum::cli {
namespace {

struct BinaryRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// `environment` is a prefix such as "GUREUM_PROFILE=lab "; the rest of the
// environment is cleared so the developer's own settings never leak in.
BinaryRun RunGureum(const std::string& environment, const std::string& args) {
  std::string command =
      "env -i PATH=/usr/bin:/bin " + environment + GUREUM_BIN_DIR "/gureum " + args + " 2>&1";
  BinaryRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.output.append(buffer, n);
  int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A directory tree for HOME and XDG_CONFIG_HOME, removed with the object.
class TempHome {
 public:
  TempHome()
      : root_(std::filesystem::temp_directory_path() /
              ("gureum-binary-test-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(root_);
  }
  ~TempHome() { std::filesystem::remove_all(root_); }
  // Writes `text` to root/relative and returns the full path.
  std::string Write(const std::string& relative, const std::string& text) {
    auto path = root_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }
  std::string path() const { return root_.string(); }

 private:
  std::filesystem::path root_;
};

// A call whose --debug output names the settings used; the 127.0.0.1:N endpoints
// of the tests refuse connections at once.
constexpr char kUnreachable[] = "describe-hosts --debug --timeout 5";

}  // namespace

TEST_CASE("the gureum binary finds its config via GUREUM_CONFIG_FILE, XDG_CONFIG_HOME and HOME") {
  // This test verifies main()'s wiring of the config file locations and of
  // GUREUM_PROFILE, GUREUM_ENDPOINT and GUREUM_API_KEY, through --debug's line.
  TempHome home;
  home.Write(".config/gureum/config", "[default]\nendpoint = 127.0.0.1:1\n");
  std::string xdg = home.Write("xdg/gureum/config", "[default]\nendpoint = 127.0.0.1:2\n");
  std::string file = home.Write("explicit", "[profile lab]\nendpoint = 127.0.0.1:3\n");
  std::string h = "HOME=" + home.path() + " ";

  BinaryRun from_home = RunGureum(h, kUnreachable);
  CHECK(from_home.exit_code == 1);
  CHECK(Contains(from_home.output, "endpoint 127.0.0.1:1 (from profile default), api key none"));

  BinaryRun from_xdg = RunGureum(h + "XDG_CONFIG_HOME=" + home.path() + "/xdg ", kUnreachable);
  CHECK(Contains(from_xdg.output, "config file " + xdg + ", endpoint 127.0.0.1:2"));

  std::string explicit_file = h + "GUREUM_CONFIG_FILE=" + file + " ";
  BinaryRun profile =
      RunGureum(explicit_file + "GUREUM_PROFILE=lab GUREUM_API_KEY=k ", kUnreachable);
  CHECK(Contains(profile.output, "[debug] profile lab, config file " + file +
                                     ", endpoint 127.0.0.1:3 (from profile lab), api key sent"));

  BinaryRun env =
      RunGureum(explicit_file + "GUREUM_PROFILE=lab GUREUM_ENDPOINT=127.0.0.1:4 ", kUnreachable);
  CHECK(Contains(env.output, "endpoint 127.0.0.1:4 (from GUREUM_ENDPOINT)"));
  BinaryRun flag = RunGureum(explicit_file + "GUREUM_ENDPOINT=127.0.0.1:4 ",
                             std::string(kUnreachable) + " --profile lab --endpoint 127.0.0.1:5");
  CHECK(Contains(flag.output, "endpoint 127.0.0.1:5 (from --endpoint)"));
  CHECK(Contains(flag.output, "when calling the DescribeHosts operation"));

  BinaryRun unknown = RunGureum(explicit_file + "GUREUM_PROFILE=staging ", kUnreachable);
  CHECK(unknown.exit_code == 2);
}

TEST_CASE("the gureum binary prints completion and help without a controller") {
  // This test verifies exit codes of the local verbs of the real binary.
  BinaryRun bash = RunGureum("", "completion bash");
  CHECK(bash.exit_code == 0);
  CHECK(Contains(bash.output, "complete -F _gureum gureum"));
  BinaryRun help = RunGureum("", "set-quota --help");
  CHECK(help.exit_code == 0);
  CHECK(Contains(help.output, "Example:\n  gureum set-quota"));
  CHECK(RunGureum("", "set-quota --resource gpus --limit 1").exit_code == 2);
}

}  // namespace gureum::cli
