// HostDirectory: hosts as their agents register them, their liveness
// (up while an agent session is connected and heartbeating) and the admin's
// view with capacity and allocation. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"
#include "gureum/agent/v1/agent.pb.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

class HostDirectory {
 public:
  explicit HostDirectory(CoreContext& core) : core_(core) {}

  // Records (or refreshes) the host and marks it up. Returns its row.
  absl::StatusOr<HostRecord> Register(const agent::v1::Register& registration);
  absl::Status Heartbeat(const std::string& host_id);
  absl::Status MarkDown(const std::string& host_id, const std::string& why);
  absl::StatusOr<v1::DescribeHostsResponse> Describe(const RequestContext& ctx,
                                                     const std::vector<std::string>& host_ids);

 private:
  absl::Status SetState(const std::string& host_id, const std::string& state,
                        const std::string& why);
  CoreContext& core_;
};

}  // namespace gureum::controller
