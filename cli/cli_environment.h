// What the command line takes from the process around it: streams, whether they are
// terminals, the environment's settings and config file, time, sleeping, and how to
// reach a controller. main() fills it from the real process; tests fill it with string
// streams, a ManualClock and an in-process server. A plain value; the pointed-to
// objects must outlive every use.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include <absl/status/status.h>

#include "cli/wait/sleeper.h"
#include "common/clock.h"
#include "gureum/v1/compute.grpc.pb.h"

namespace gureum::cli {

// `ca_bundle` is the resolved --ca-bundle (empty: none).
using StubFactory = std::function<std::unique_ptr<v1::Compute::StubInterface>(
    const std::string& endpoint, const std::string& ca_bundle)>;
// Refuses an endpoint the transport rules do not allow (rpc/channel_factory.h).
using EndpointCheck =
    std::function<absl::Status(const std::string& endpoint, const std::string& ca_bundle)>;

struct CliEnvironment {
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  bool stdout_is_tty = false;
  bool stderr_is_tty = false;
  std::optional<std::string> endpoint_from_env;   // GUREUM_ENDPOINT
  std::optional<std::string> profile_from_env;    // GUREUM_PROFILE
  std::optional<std::string> api_key_from_env;    // GUREUM_API_KEY
  std::string project_from_env;                   // GUREUM_PROJECT
  std::optional<std::string> ca_bundle_from_env;  // GUREUM_CA_BUNDLE
  // The config file to read (ConfigFile::DefaultPath); nullopt reads none.
  std::optional<std::string> config_path;
  bool no_color = false;  // NO_COLOR is set
  const Clock* clock = nullptr;
  Sleeper* sleeper = nullptr;
  StubFactory connect;
  // Run before any verb; null skips the check (tests with in-process stubs).
  EndpointCheck check_endpoint;
};

}  // namespace gureum::cli
