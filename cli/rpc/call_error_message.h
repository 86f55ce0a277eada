// The one line the CLI prints on stderr when a call fails, in the aws cli's words:
// "An error occurred (InvalidParameterValue) when calling the RunInstances operation:
// MaxCount must be between 1 and 100", or a plain note that the endpoint could not be
// reached or did not answer in time. Pure; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <grpcpp/support/status.h>

namespace gureum::cli {

// `status` must not be OK. No trailing newline.
std::string CallErrorMessage(std::string_view operation, const grpc::Status& status,
                             std::string_view endpoint, std::chrono::milliseconds timeout);

// True when the call never got an answer from a Gureum server (refused, unreachable,
// dropped, timed out): worth retrying while waiting, unlike an API error.
bool IsTransportFailure(const grpc::Status& status);

}  // namespace gureum::cli
