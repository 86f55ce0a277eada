#include "cli/commands/event_commands.h"

#include <memory>

#include "cli/output/resource_tables.h"

namespace gureum::cli {
namespace {

struct EventsOptions {
  bool follow = false;
  int64_t after = 0;
  std::string resource_id;
};

ExitCode Events(CommandContext& ctx, const EventsOptions& options) {
  v1::WatchEventsRequest request;
  request.set_after_sequence(options.after);
  request.set_follow(options.follow);
  request.set_resource_id(options.resource_id);
  const std::vector<size_t> widths = EventColumnWidths();
  bool header_printed = false;
  auto result = ctx.client().WatchEvents(request, [&](const v1::Event& event) {
    // The header waits for the first event so a failed call prints nothing on stdout.
    if (!header_printed) {
      ctx.printer().StreamHeader(EventHeaders(), widths);
      header_printed = true;
    }
    ctx.printer().StreamItem(event, EventRow(event), widths);
    return true;
  });
  if (!result.ok()) return ctx.CallFailed(result);
  return ExitCode::kOk;
}

}  // namespace

void AddEventCommands(CommandRegistry& registry) {
  auto options = std::make_shared<EventsOptions>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "events",
      "Print the event log (state changes, imports, ...); JSON output is one object a line",
      verb_group::kEvents,
      "gureum events --resource-id i-0123456789abcdef0\n"
      "gureum events --follow --after 1200 -o text",
      [options](CommandContext& ctx) { return Events(ctx, *options); });
  verb->add_flag("--follow,-f", options->follow, "Keep printing new events until interrupted");
  verb->add_option("--after", options->after, "Only events with a sequence number above N")
      ->check(CLI::NonNegativeNumber);
  verb->add_option("--resource-id", options->resource_id,
                   "Only events about this resource (i-..., ami-..., ...)");
}

}  // namespace gureum::cli
