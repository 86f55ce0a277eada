#include "cli/cli_app.h"

#include <cmath>
#include <optional>

#include "cli/commands/event_commands.h"
#include "cli/commands/host_commands.h"
#include "cli/commands/identity_commands.h"
#include "cli/commands/image_commands.h"
#include "cli/commands/instance_commands.h"
#include "cli/commands/instance_type_commands.h"
#include "cli/commands/join_token_commands.h"
#include "cli/commands/key_pair_commands.h"
#include "cli/commands/placement_group_commands.h"
#include "cli/commands/quota_commands.h"
#include "cli/commands/shell_commands.h"
#include "cli/commands/wait_commands.h"
#include "cli/config/settings_resolver.h"
#include "cli/output/json_query.h"

namespace gureum::cli {
namespace {

constexpr char kRootFooter[] = R"(
Examples:
  gureum run-instances --image-id ami-0123456789abcdef0 --instance-type g1.small --count 2 --wait
  gureum describe-instances --filters Name=instance-state-name,Values=running -o table
  gureum describe-instances --query 'instances[].instanceId' -o text
  gureum wait instance-stopped i-0123456789abcdef0
  gureum --profile lab describe-hosts
  gureum VERB --help

Environment:
  GUREUM_ENDPOINT     controller address when --endpoint is not given
  GUREUM_PROFILE      config profile when --profile is not given
  GUREUM_API_KEY      API key ACCESS_KEY_ID:SECRET, sent as x-gureum-api-key
                      (before the profile's api_key)
  GUREUM_PROJECT      project when --project is not given
  GUREUM_CA_BUNDLE    CA certificates that verify the controller (TLS)
  GUREUM_CONFIG_FILE  config file (default $XDG_CONFIG_HOME/gureum/config,
                      else ~/.config/gureum/config)
  NO_COLOR            no colours, even on a terminal

Precedence: flag > environment > config profile > default.

Exit codes: 0 success, 1 API error or endpoint unreachable, 2 usage error,
3 a wait ended in another state or timed out.
)";

}  // namespace

CliApp::CliApp(CliEnvironment env)
    : env_(std::move(env)),
      app_("gureum: command line for the Gureum compute service (verbs as in `aws ec2`)", "gureum"),
      registry_(app_) {
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
  AddPlacementGroupCommands(registry_);
  AddQuotaCommands(registry_);
  AddHostCommands(registry_);
  AddIdentityCommands(registry_);
  AddJoinTokenCommands(registry_);
  AddEventCommands(registry_);
  AddWaitCommands(registry_);
  AddShellCommands(registry_);  // last: describes the verbs above
}

void CliApp::AddGlobalOptions() {
  endpoint_option_ =
      app_.add_option("--endpoint", endpoint_,
                      "Controller address HOST:PORT (default: $GUREUM_ENDPOINT, else the "
                      "profile's endpoint, else " +
                          std::string(kDefaultEndpoint) + ")")
          ->group("Global options");
  ca_bundle_option_ =
      app_.add_option("--ca-bundle", ca_bundle_,
                      "CA certificates (PEM) that verify the controller over TLS (default: "
                      "$GUREUM_CA_BUNDLE, else the profile's ca_bundle, else the system's roots "
                      "for https://)")
          ->group("Global options");
  profile_option_ = app_.add_option("--profile", profile_,
                                    "Config file profile (default: $GUREUM_PROFILE, else default)")
                        ->group("Global options");
  output_option_ =
      app_.add_option("-o,--output", output_,
                      "json | table | text (default: table on a terminal, json otherwise)")
          ->check(CLI::IsMember({"json", "table", "text"}))
          ->group("Global options");
  app_.add_option("--query", query_,
                  "Print only this part of the JSON reply: a JMESPath subset, e.g. "
                  "'instances[].instanceId' (fields, [N], [*], [])")
      ->group("Global options");
  app_.add_option("--project", project_,
                  "Project to act in (default: $GUREUM_PROJECT, else your default project)")
      ->group("Global options");
  app_.add_flag("--all-projects", all_projects_,
                "Describe calls list every project's resources (admin)")
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

absl::StatusOr<GlobalOptions> CliApp::ResolveGlobalOptions() const {
  SettingSources sources;
  if (profile_option_->count() > 0) sources.profile_flag = profile_;
  if (endpoint_option_->count() > 0) sources.endpoint_flag = endpoint_;
  sources.profile_env = env_.profile_from_env;
  sources.endpoint_env = env_.endpoint_from_env;
  sources.api_key_env = env_.api_key_from_env;
  if (ca_bundle_option_->count() > 0) sources.ca_bundle_flag = ca_bundle_;
  sources.ca_bundle_env = env_.ca_bundle_from_env;
  std::optional<ConfigFile> file;
  if (env_.config_path) {
    auto loaded = ConfigFile::Load(*env_.config_path);
    if (!loaded.ok()) return loaded.status();
    file = *std::move(loaded);
    sources.file = &*file;
    sources.file_path = *env_.config_path;
  }
  auto settings = SettingsResolver::Resolve(sources);
  if (!settings.ok()) return settings.status();

  GlobalOptions options;
  options.endpoint = settings->endpoint;
  options.endpoint_source = settings->endpoint_source;
  options.ca_bundle = settings->ca_bundle;
  if (env_.check_endpoint) {
    if (auto s = env_.check_endpoint(options.endpoint, options.ca_bundle); !s.ok()) return s;
  }
  options.profile = settings->profile;
  options.api_key = settings->api_key;
  options.project = project_.empty() ? env_.project_from_env : project_;
  options.all_projects = all_projects_;
  options.query = query_;
  options.output_explicit = output_option_->count() > 0;
  if (options.output_explicit) {
    options.output = ParseOutputFormat(output_).value_or(OutputFormat::kJson);
  } else if (settings->output) {
    options.output = *settings->output;
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

void CliApp::TraceSettings(const GlobalOptions& options) const {
  *env_.err << "[debug] profile " << options.profile << ", config file "
            << env_.config_path.value_or("(none)") << ", endpoint " << options.endpoint << " (from "
            << options.endpoint_source << ")"
            << ", api key " << (options.api_key.empty() ? "none" : "sent") << std::endl;
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
  auto options = ResolveGlobalOptions();
  if (!options.ok()) {
    *env_.err << "gureum: error: " << options.status().message() << std::endl;
    return ToInt(ExitCode::kUsage);
  }
  CommandContext context(*options, env_, VerbPath());
  if (!options->query.empty()) {
    auto query = JsonQuery::Parse(options->query);
    if (!query.ok()) return ToInt(context.UsageError(query.status()));
    context.printer().SetQuery(*std::move(query));
  }
  if (options->debug) TraceSettings(*options);
  return ToInt((*action)(context));
}

}  // namespace gureum::cli
