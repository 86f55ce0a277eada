// Waiting for instances from a verb: the --wait flags of run/start/stop/terminate,
// and the run of a waiter with a display that suits stderr (live lines on a
// terminal, plain lines otherwise) and the report of how it ended. Not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command_context.h"
#include "cli/wait/instance_waiter.h"
#include "cli/wait/wait_target.h"

namespace gureum::cli {

struct WaitFlags {
  bool wait = false;
  double timeout_seconds = 600;
  int poll_interval_ms = 500;

  WaitSettings settings() const;
};

// --wait, --wait-timeout SECONDS and --poll-interval-ms MS on `verb`.
void AddWaitFlags(CLI::App& verb, WaitFlags& flags, const std::string& target_state);
// --timeout SECONDS and --poll-interval-ms MS on a `wait` verb.
void AddWaiterTimingFlags(CLI::App& verb, WaitFlags& flags);

// Waits, then on failure prints "gureum: wait instance-running failed: i-... is
// terminated (reason)" or "... timed out after N s: i-... is pending". Returns kOk,
// kWaitFailed, or kApiError when a call failed. `last_seen` (if not null) receives
// the final answer for each instance.
ExitCode WaitForInstances(CommandContext& ctx, const std::vector<std::string>& instance_ids,
                          const WaitTarget& target, const WaitSettings& settings,
                          std::map<std::string, v1::Instance>* last_seen);

}  // namespace gureum::cli
