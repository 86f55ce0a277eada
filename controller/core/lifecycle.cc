#include "controller/core/lifecycle.h"

namespace gureum::controller {

absl::Status TransitionInstance(Repositories& repos, ChangeSet& changes, const RequestContext& ctx,
                                int64_t now, InstanceRecord& instance, InstanceState to,
                                const StateReasonText& reason) {
  auto from = ParseState(instance.state);
  if (!from) return absl::InternalError("instance " + instance.instance_id + " has unknown state");
  if (absl::Status legal = CheckTransition(instance.instance_id, *from, to); !legal.ok()) {
    return legal;
  }
  std::string to_name(StateName(to));
  repos.instances.UpdateState(instance.instance_id, to_name, reason.code, reason.message, now);
  if (to == InstanceState::kTerminated && !instance.private_ip.empty()) {
    repos.instances.SetPrivateIp(instance.instance_id, "");
    instance.private_ip.clear();
  }
  std::string message = "instance " + instance.instance_id + " " + instance.state + " -> " +
                        to_name + (reason.code.empty() ? "" : " (" + reason.code + ")");
  RecordEvent(repos, changes, ctx, now, "instance", instance.instance_id, "instance.state-changed",
              message, instance.state, to_name);
  instance.state = to_name;
  instance.reason_code = reason.code;
  instance.reason_message = reason.message;
  instance.state_changed_at = now;
  changes.hosts.insert(instance.host_id);
  return absl::OkStatus();
}

}  // namespace gureum::controller
