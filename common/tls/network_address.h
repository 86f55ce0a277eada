// Host-and-port addresses as the servers' --listen and the clients' endpoints
// take them, and the loopback rule that decides where plaintext is allowed:
// 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) and "localhost". Pure;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <absl/status/statusor.h>

namespace gureum {

struct HostPort {
  std::string host;  // without IPv6 brackets
  std::string port;
};

// "host:port" or "[v6]:port"; InvalidArgumentError without a port.
absl::StatusOr<HostPort> SplitHostPort(std::string_view address);

// True for the loopback host names and addresses above; false for anything
// else, including 0.0.0.0 and :: (every interface) and unresolved names.
bool IsLoopbackHost(std::string_view host);

// SplitHostPort + IsLoopbackHost; false when the address does not parse.
bool IsLoopbackAddress(std::string_view address);

}  // namespace gureum
