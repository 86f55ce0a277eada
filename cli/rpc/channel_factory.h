// Opens the gRPC channel to a controller and returns a Compute stub. The one place
// that decides transport security and channel settings, so TLS and credentials can
// be added here without touching the verbs. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "gureum/v1/compute.grpc.pb.h"

namespace gureum::cli {

// `endpoint` is "host:port" (or any gRPC target such as "unix:/path"). Connecting is
// lazy: an unreachable endpoint shows up as UNAVAILABLE on the first call.
std::unique_ptr<v1::Compute::StubInterface> ConnectToCompute(const std::string& endpoint);

}  // namespace gureum::cli
