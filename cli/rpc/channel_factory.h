// Opens the gRPC channel to a controller and returns a Compute stub. The one place
// that decides transport security and channel settings, so the verbs never see it.
// The rules (common/tls/client_endpoint.h): https://HOST:PORT is TLS, verified with
// the CA bundle or the system's roots; http://HOST:PORT is plaintext to a loopback
// host only; a bare HOST:PORT is TLS when a CA bundle is configured, else plaintext
// to a loopback host, else refused. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include <absl/status/status.h>

#include "gureum/v1/compute.grpc.pb.h"

namespace gureum::cli {

// InvalidArgumentError naming the rule when `endpoint` may not be used as given.
absl::Status CheckEndpoint(const std::string& endpoint, const std::string& ca_bundle);

// Connecting is lazy: an unreachable endpoint shows up as UNAVAILABLE on the first
// call. Call CheckEndpoint first; an endpoint it refuses gets a channel that fails.
std::unique_ptr<v1::Compute::StubInterface> ConnectToCompute(const std::string& endpoint,
                                                             const std::string& ca_bundle);

}  // namespace gureum::cli
