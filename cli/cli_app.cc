#include "cli/cli_app.h"

#include <cmath>

#include "cli/commands/event_commands.h"
#include "cli/commands/host_commands.h"
#include "cli/commands/image_commands.h"
#include "cli/commands/instance_commands.h"
#include "cli/commands/instance_type_commands.h"
#include "cli/commands/key_pair_commands.h"
#include "cli/commands/wait_commands.h"

namespace gureum::cli {
namespace {

constexpr char kRootFooter[] = R"(
Examples:
  gureum run-instances --image-id ami-0123456789abcdef0 --instance-type g1.small --count 2 --wait
  gureum describe-instances --filters Name=instance-state-name,Values=running -o table
  gureum wait instance-stopped i-0123456789abcdef0
  gureum VERB --help

Environment:
  GUREUM_ENDPOINT  controller address when --endpoint is not given
  NO_COLOR         no colours, even on a terminal

Exit codes: 0 success, 1 API error or endpoint unreachable, 2 usage error,
3 a wait ended in another state or timed out.
)";

}  // namespace

CliApp::CliApp(CliEnvironment env)
    : env_(std::move(env)),
      app_("gureum: command line for the Gureum compute service (verbs as in `aws ec2`)", "gureum"),
      registry_(app_) {
  endpoint_ = env_.endpoint_from_env.value_or(kDefaultEndpoint);
  // Subcommands copy these settings from the root when they are created.
  app_.fallthrough();
  app_.require_subcommand(1);
  app_.footer(kRootFooter);
  app_.get_formatter()->column_width(36);
  app_.set_version_flag("--version", "gureum " GUREUM_VERSION);
  AddGlobalOptions();
  AddInstanceCommands(registry_);
  AddInstanceTypeCommands(registry_);
  AddImageCommands(registry_);
  AddKeyPairCommands(registry_);
  AddHostCommands(registry_);
  AddEventCommands(registry_);
  AddWaitCommands(registry_);
}

void CliApp::AddGlobalOptions() {
  app_.add_option("--endpoint", endpoint_,
                  "Controller address HOST:PORT (default: $GUREUM_ENDPOINT, else " +
                      std::string(kDefaultEndpoint) + ")")
      ->group("Global options");
  output_option_ =
      app_.add_option("-o,--output", output_,
                      "json | table | text (default: table on a terminal, json otherwise)")
          ->check(CLI::IsMember({"json", "table", "text"}))
          ->group("Global options");
  app_.add_flag("--debug", debug_, "Print each request as JSON, and its outcome, to stderr")
      ->group("Global options");
  timeout_option_ = app_.add_option("--timeout", timeout_seconds_,
                                    "Deadline of each API call in seconds (default 30)")
                        ->check(CLI::PositiveNumber)
                        ->group("Global options");
}

std::string CliApp::VerbPath() const {
  std::string path;
  const CLI::App* current = &app_;
  while (!current->get_subcommands().empty()) {
    current = current->get_subcommands().front();
    if (!path.empty()) path += " ";
    path += current->get_name();
  }
  return path;
}

GlobalOptions CliApp::ResolveGlobalOptions() const {
  GlobalOptions options;
  options.endpoint = endpoint_;
  options.output_explicit = output_option_->count() > 0;
  if (options.output_explicit) {
    options.output = ParseOutputFormat(output_).value_or(OutputFormat::kJson);
  } else {
    options.output = env_.stdout_is_tty ? OutputFormat::kTable : OutputFormat::kJson;
  }
  options.color = env_.stdout_is_tty && !env_.no_color && options.output == OutputFormat::kTable;
  options.debug = debug_;
  options.call_timeout_explicit = timeout_option_->count() > 0;
  if (options.call_timeout_explicit) {
    options.call_timeout = std::chrono::milliseconds(std::llround(timeout_seconds_ * 1000.0));
  }
  return options;
}

int CliApp::Run(const std::vector<std::string>& args) {
  std::vector<const char*> argv = {"gureum"};
  for (const auto& arg : args) argv.push_back(arg.c_str());
  try {
    app_.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive as "errors" with exit code 0.
    if (e.get_exit_code() == 0) return app_.exit(e, *env_.out, *env_.err);
    std::string verb = VerbPath();
    *env_.err << "gureum: error: " << e.what() << "\n"
              << "Run 'gureum " << (verb.empty() ? "" : verb + " ") << "--help' for usage."
              << std::endl;
    return ToInt(ExitCode::kUsage);
  }

  const CLI::App* chosen = &app_;
  while (!chosen->get_subcommands().empty()) chosen = chosen->get_subcommands().front();
  const VerbAction* action = registry_.Find(chosen);
  if (action == nullptr) {
    // Unreachable while every group verb requires a subcommand; kept as a usage error.
    *env_.err << chosen->help();
    return ToInt(ExitCode::kUsage);
  }
  CommandContext context(ResolveGlobalOptions(), env_, VerbPath());
  return ToInt((*action)(context));
}

}  // namespace gureum::cli
