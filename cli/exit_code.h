// Exit codes of the `gureum` command line. Scripts branch on them, so a code never
// changes meaning. Plain constants; thread-safe.
#pragma once

namespace gureum::cli {

enum class ExitCode : int {
  kOk = 0,
  kApiError = 1,    // the API refused the call, or the endpoint could not be reached
  kUsage = 2,       // bad command line: unknown option, malformed --filters, ...
  kWaitFailed = 3,  // a waiter saw another terminal state, or timed out
};

inline int ToInt(ExitCode code) { return static_cast<int>(code); }

}  // namespace gureum::cli
