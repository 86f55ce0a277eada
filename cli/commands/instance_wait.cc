#include "cli/commands/instance_wait.h"

#include <cmath>
#include <cstdio>
#include <memory>

#include "cli/wait/live_wait_progress.h"
#include "cli/wait/plain_wait_progress.h"

namespace gureum::cli {
namespace {

std::string Seconds(std::chrono::milliseconds duration) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", static_cast<double>(duration.count()) / 1000.0);
  return buffer;
}

std::string Describe(const std::string& id, const WaitResult& result) {
  auto it = result.last_seen.find(id);
  if (it == result.last_seen.end()) return id + " was not found";
  const v1::Instance& instance = it->second;
  std::string text = id + " is " + instance.state().name();
  const auto& reason = instance.state_reason();
  if (!reason.code().empty() || !reason.message().empty()) {
    std::string why = reason.code();
    if (!reason.message().empty()) why += (why.empty() ? "" : ": ") + reason.message();
    text += " (" + why + ")";
  }
  return text;
}

}  // namespace

WaitSettings WaitFlags::settings() const {
  WaitSettings settings;
  settings.timeout = std::chrono::milliseconds(std::llround(timeout_seconds * 1000.0));
  settings.interval = std::chrono::milliseconds(poll_interval_ms);
  return settings;
}

void AddWaitFlags(CLI::App& verb, WaitFlags& flags, const std::string& target_state) {
  verb.add_flag("--wait", flags.wait,
                "Wait until every instance is " + target_state +
                    " (exit 3 if one ends in another state or on timeout)");
  verb.add_option("--wait-timeout", flags.timeout_seconds, "Give up waiting after SECONDS")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  verb.add_option("--poll-interval-ms", flags.poll_interval_ms,
                  "Time between DescribeInstances polls while waiting")
      ->check(CLI::Range(1, 60'000))
      ->capture_default_str();
}

void AddWaiterTimingFlags(CLI::App& verb, WaitFlags& flags) {
  verb.add_option("--timeout", flags.timeout_seconds,
                  "Give up after SECONDS (the per-call --timeout goes before `wait`)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  verb.add_option("--poll-interval-ms", flags.poll_interval_ms, "Time between polls")
      ->check(CLI::Range(1, 60'000))
      ->capture_default_str();
}

ExitCode WaitForInstances(CommandContext& ctx, const std::vector<std::string>& instance_ids,
                          const WaitTarget& target, const WaitSettings& settings,
                          std::map<std::string, v1::Instance>* last_seen) {
  std::unique_ptr<WaitProgress> progress;
  if (ctx.stderr_is_tty()) {
    progress = std::make_unique<LiveWaitProgress>(ctx.err(), ctx.color_on_stderr());
  } else {
    progress = std::make_unique<PlainWaitProgress>(ctx.err());
  }
  InstanceWaiter waiter(ctx.client(), ctx.clock(), ctx.sleeper());
  WaitResult result = waiter.Wait(instance_ids, target, settings, *progress);
  if (last_seen != nullptr) *last_seen = result.last_seen;

  const std::string waiter_name = "wait " + target.waiter_name();
  switch (result.outcome) {
    case WaitResult::Outcome::kReached:
      return ExitCode::kOk;
    case WaitResult::Outcome::kCallFailed:
      ctx.CallFailed(result.last_failure);
      return ExitCode::kApiError;
    case WaitResult::Outcome::kSettledElsewhere:
      ctx.err() << "gureum: " << waiter_name << " failed: " << Describe(result.culprit, result)
                << std::endl;
      return ExitCode::kWaitFailed;
    case WaitResult::Outcome::kTimedOut:
      ctx.err() << "gureum: " << waiter_name << " timed out after " << Seconds(settings.timeout)
                << " s: " << Describe(result.culprit, result) << std::endl;
      return ExitCode::kWaitFailed;
  }
  return ExitCode::kWaitFailed;
}

}  // namespace gureum::cli
