#include "cli/command_context.h"

#include "cli/rpc/call_error_message.h"
#include "common/api_error.h"

namespace gureum::cli {

CommandContext::CommandContext(GlobalOptions options, const CliEnvironment& env,
                               std::string verb_path)
    : options_(std::move(options)),
      env_(env),
      verb_path_(std::move(verb_path)),
      printer_(*env.out, options_.output, options_.color) {}

ComputeClient& CommandContext::client() {
  if (!client_) {
    client_ = std::make_unique<ComputeClient>(env_.connect(options_.endpoint, options_.ca_bundle),
                                              options_.endpoint, options_.call_timeout,
                                              options_.debug ? env_.err : nullptr);
    client_->set_api_key(options_.api_key);
    client_->set_project(options_.project, options_.all_projects);
  }
  return *client_;
}

ExitCode CommandContext::UsageError(const absl::Status& status) {
  err() << "gureum: error: " << status.message() << "\n"
        << "Run 'gureum " << verb_path_ << " --help' for usage." << std::endl;
  return ExitCode::kUsage;
}

ExitCode CommandContext::CallFailed(std::string_view operation, const grpc::Status& status) {
  err() << CallErrorMessage(operation, status, options_.endpoint, options_.call_timeout)
        << std::endl;
  if (FromGrpcStatus(status).code == errc::kDryRunOperation) return ExitCode::kOk;
  return ExitCode::kApiError;
}

ExitCode CommandContext::LocalError(const std::string& message) {
  err() << "gureum: " << message << std::endl;
  return ExitCode::kApiError;
}

}  // namespace gureum::cli
