// Everything one verb needs while it runs: the resolved global options, the API
// client (connected on first use, so usage errors never dial), the printer for
// stdout, and the reporting of failures as exit codes. Not thread-safe; one per run.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <absl/status/status.h>

#include "cli/cli_environment.h"
#include "cli/exit_code.h"
#include "cli/global_options.h"
#include "cli/output/printer.h"
#include "cli/rpc/compute_client.h"

namespace gureum::cli {

class CommandContext {
 public:
  // `verb_path` is how the verb is typed ("run-instances", "wait instance-running"),
  // for usage hints.
  CommandContext(GlobalOptions options, const CliEnvironment& env, std::string verb_path);

  const GlobalOptions& options() const { return options_; }
  ComputeClient& client();
  Printer& printer() { return printer_; }
  std::ostream& out() { return *env_.out; }
  std::ostream& err() { return *env_.err; }
  const Clock& clock() const { return *env_.clock; }
  Sleeper& sleeper() { return *env_.sleeper; }
  bool stderr_is_tty() const { return env_.stderr_is_tty; }
  bool color_on_stderr() const { return env_.stderr_is_tty && !env_.no_color; }
  // Blobs (console output, private keys) print raw unless -o json was asked for.
  bool blob_as_json() const {
    return options_.output_explicit && options_.output == OutputFormat::kJson;
  }

  // "gureum: error: <message>" and a pointer to --help; exit 2.
  ExitCode UsageError(const absl::Status& status);
  // The aws-style line for a failed call; exit 1, except DryRunOperation, which
  // means the dry run would have succeeded (exit 0, line still printed).
  ExitCode CallFailed(std::string_view operation, const grpc::Status& status);
  template <typename Response>
  ExitCode CallFailed(const RpcResult<Response>& result) {
    return CallFailed(result.operation, result.status);
  }
  // A local failure that is not the user's typing (a file that cannot be written);
  // "gureum: <message>", exit 1.
  ExitCode LocalError(const std::string& message);

 private:
  GlobalOptions options_;
  const CliEnvironment& env_;
  std::string verb_path_;
  Printer printer_;
  std::unique_ptr<ComputeClient> client_;
};

}  // namespace gureum::cli
