#include "controller/core/instance_power.h"

#include <set>

#include "common/api_error.h"
#include "controller/core/instance_state.h"
#include "controller/core/instance_view.h"
#include "controller/core/lifecycle.h"

namespace gureum::controller {

absl::StatusOr<std::vector<InstanceRecord>> LoadInstances(Repositories& repos,
                                                          const RequestContext& ctx,
                                                          const std::vector<std::string>& ids) {
  std::vector<InstanceRecord> out;
  std::string missing;
  std::set<std::string> seen;
  for (const std::string& id : ids) {
    if (!seen.insert(id).second) continue;  // naming an instance twice acts on it once
    auto record = repos.instances.Get(id);
    if (!record || !ctx.CanAccess(record->project_id)) {
      missing += (missing.empty() ? "'" : ", '") + id + "'";
      continue;
    }
    out.push_back(std::move(*record));
  }
  if (!missing.empty()) {
    return NotFoundError(errc::kInvalidInstanceIdNotFound, "InstanceIds",
                         "The instance ID " + missing + " does not exist");
  }
  return out;
}

absl::StatusOr<v1::InstanceStateChangeResponse> InstancePower::Start(
    const RequestContext& ctx, const std::vector<std::string>& ids) {
  return Apply(ctx, ids, Action::kStart);
}

absl::StatusOr<v1::InstanceStateChangeResponse> InstancePower::Stop(
    const RequestContext& ctx, const std::vector<std::string>& ids, bool force) {
  return Apply(ctx, ids, force ? Action::kForceStop : Action::kStop);
}

absl::StatusOr<v1::InstanceStateChangeResponse> InstancePower::Terminate(
    const RequestContext& ctx, const std::vector<std::string>& ids) {
  return Apply(ctx, ids, Action::kTerminate);
}

absl::Status InstancePower::Reboot(const RequestContext& ctx, const std::vector<std::string>& ids) {
  return Apply(ctx, ids, Action::kReboot).status();
}

absl::StatusOr<v1::InstanceStateChangeResponse> InstancePower::Apply(
    const RequestContext& ctx, const std::vector<std::string>& ids, Action action) {
  const int64_t now = core_.clock.NowMillis();
  return Commit(
      core_,
      [&](Repositories& repos,
          ChangeSet& changes) -> absl::StatusOr<v1::InstanceStateChangeResponse> {
        auto instances = LoadInstances(repos, ctx, ids);
        if (!instances.ok()) return instances.status();
        v1::InstanceStateChangeResponse response;
        for (InstanceRecord& r : *instances) {
          const std::string previous = r.state;
          const InstanceState state = *ParseState(r.state);
          using S = InstanceState;
          absl::Status status;
          switch (action) {
            case Action::kStart:
              if (state == S::kStopped) {
                repos.instances.UpdateDesired(r.instance_id, "running", false);
                status = TransitionInstance(repos, changes, ctx, now, r, S::kPending,
                                            {"", "User initiated start"});
              } else if (state != S::kPending && state != S::kRunning) {
                status = CheckTransition(r.instance_id, state, S::kPending);
              }
              break;
            case Action::kStop:
            case Action::kForceStop: {
              const bool force = action == Action::kForceStop;
              if (state == S::kRunning) {
                repos.instances.UpdateDesired(r.instance_id, "stopped", force);
                status =
                    TransitionInstance(repos, changes, ctx, now, r, S::kStopping,
                                       {"Client.UserInitiatedShutdown", "User initiated shutdown"});
              } else if (state == S::kStopping) {
                if (force && !r.force_stop) {
                  repos.instances.UpdateDesired(r.instance_id, "stopped", true);
                  changes.hosts.insert(r.host_id);
                }
              } else if (state != S::kStopped) {
                status = CheckTransition(r.instance_id, state, S::kStopping);
              }
              break;
            }
            case Action::kTerminate:
              if (state != S::kShuttingDown && state != S::kTerminated) {
                repos.instances.UpdateDesired(r.instance_id, "terminated", false);
                status =
                    TransitionInstance(repos, changes, ctx, now, r, S::kShuttingDown,
                                       {"Client.UserInitiatedShutdown", "User initiated shutdown"});
              }
              break;
            case Action::kReboot:
              if (state != S::kRunning) {
                status = ApiError(absl::StatusCode::kFailedPrecondition,
                                  errc::kIncorrectInstanceState, "InstanceId",
                                  "The instance '" + r.instance_id + "' is in the '" + r.state +
                                      "' state; only running instances can be rebooted");
              } else {
                repos.instances.BumpRebootToken(r.instance_id);
                RecordEvent(repos, changes, ctx, now, "instance", r.instance_id,
                            "instance.reboot-requested",
                            "reboot of " + r.instance_id + " requested");
                changes.hosts.insert(r.host_id);
              }
              break;
          }
          if (!status.ok()) return status;
          auto* change = response.add_instances();
          change->set_instance_id(r.instance_id);
          *change->mutable_previous_state() = ApiState(previous);
          *change->mutable_current_state() = ApiState(r.state);
        }
        return response;
      });
}

}  // namespace gureum::controller
