#include "cli/commands/join_token_commands.h"

#include <memory>

#include "cli/output/table.h"
#include "cli/output/time_format.h"
#include "cli/parse/argument_parsers.h"

namespace gureum::cli {
namespace {

struct CreateJoinTokenOptions {
  std::string host_name;
  int64_t ttl_seconds = 3600;
};

ExitCode CreateJoinToken(CommandContext& ctx, const CreateJoinTokenOptions& options) {
  v1::CreateJoinTokenRequest request;
  request.set_host_name(options.host_name);
  request.set_ttl_seconds(options.ttl_seconds);
  auto result = ctx.client().CreateJoinToken(request);
  if (!result.ok()) return ctx.CallFailed(result);
  Table table({"TOKEN ID", "HOST NAME", "EXPIRES", "TOKEN (shown once)"});
  table.AddRow({result.response.token_id(), result.response.host_name(),
                FormatTimestamp(result.response.expires_at()), result.response.token()});
  ctx.printer().Print(result.response, table);
  return ExitCode::kOk;
}

}  // namespace

void AddJoinTokenCommands(CommandRegistry& registry) {
  auto options = std::make_shared<CreateJoinTokenOptions>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "create-join-token",
      "A one-time token with which a new host's agent gets its client certificate; the token "
      "is shown only now (admin)",
      verb_group::kHosts,
      "gureum create-join-token --host-name host-7\n"
      "gureum create-join-token --host-name host-7 --ttl-seconds 600 --query token -o text",
      [options](CommandContext& ctx) { return CreateJoinToken(ctx, *options); });
  verb->add_option("--host-name", options->host_name, "The only host name the token joins as")
      ->required();
  verb->add_option("--ttl-seconds", options->ttl_seconds,
                   "How long the token can be used (default 3600, at most 86400)")
      ->check(CLI::Range(int64_t{1}, int64_t{86400}));
}

}  // namespace gureum::cli
