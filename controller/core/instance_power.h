// InstancePower: StartInstances, StopInstances, RebootInstances and
// TerminateInstances. Each only changes desired state (and the state the
// instance enters at once) in one transaction for all the ids; the agent does
// the work and reports. All ids must exist and be in a state that allows the
// action, else nothing is written. Repeating an action already under way is
// not an error (stop of a stopped instance, terminate of a terminated one).
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

class InstancePower {
 public:
  explicit InstancePower(CoreContext& core) : core_(core) {}

  absl::StatusOr<v1::InstanceStateChangeResponse> Start(const RequestContext& ctx,
                                                        const std::vector<std::string>& ids);
  absl::StatusOr<v1::InstanceStateChangeResponse> Stop(const RequestContext& ctx,
                                                       const std::vector<std::string>& ids,
                                                       bool force);
  absl::StatusOr<v1::InstanceStateChangeResponse> Terminate(const RequestContext& ctx,
                                                            const std::vector<std::string>& ids);
  absl::Status Reboot(const RequestContext& ctx, const std::vector<std::string>& ids);

 private:
  enum class Action { kStart, kStop, kForceStop, kTerminate, kReboot };
  absl::StatusOr<v1::InstanceStateChangeResponse> Apply(const RequestContext& ctx,
                                                        const std::vector<std::string>& ids,
                                                        Action action);

  CoreContext& core_;
};

// Loads every id of the caller's project or fails with
// InvalidInstanceID.NotFound naming the missing ones.
absl::StatusOr<std::vector<InstanceRecord>> LoadInstances(Repositories& repos,
                                                          const RequestContext& ctx,
                                                          const std::vector<std::string>& ids);

}  // namespace gureum::controller
