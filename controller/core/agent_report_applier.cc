#include "controller/core/agent_report_applier.h"

#include <optional>
#include <vector>

#include <spdlog/spdlog.h>

#include "controller/core/instance_state.h"
#include "controller/core/lifecycle.h"

namespace gureum::controller {
namespace {

// The reason codes an agent reports while it retries, or about a guest
// someone else paused (agent/sync/desired_state_sync.h).
constexpr char kHostReasonTransient[] = "Server.TransientError";
constexpr char kHostReasonPaused[] = "Server.Paused";

// Records what the host says about an instance without a change of state;
// an event marks each new reason code.
void SetHostReason(Repositories& repos, ChangeSet& changes, const RequestContext& ctx, int64_t now,
                   InstanceRecord& r, const std::string& code, const std::string& message) {
  if (r.reason_code == code && r.reason_message == message) return;
  if (r.reason_code != code && !code.empty()) {
    RecordEvent(repos, changes, ctx, now, "instance", r.instance_id, "instance.host-reason",
                "instance " + r.instance_id + " (" + r.state + "): " + code + ": " + message);
  }
  repos.instances.SetStateReason(r.instance_id, code, message);
  r.reason_code = code;
  r.reason_message = message;
}

}  // namespace

absl::Status AgentReportApplier::Apply(
    const std::string& host_id, const std::string& host_name,
    const google::protobuf::RepeatedPtrField<agent::v1::ObservedInstance>& report) {
  if (report.empty()) return absl::OkStatus();
  RequestContext ctx;
  ctx.request_id = "agent-" + core_.ids.Hex(12);
  ctx.actor = "agent:" + host_name;
  const int64_t now = core_.clock.NowMillis();
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::Status {
    // Node restriction: the whole report is refused, before anything in it
    // is applied, if it names an instance placed on another host. The rows
    // read here are the ones applied below (one read per instance).
    std::vector<std::optional<InstanceRecord>> records;
    records.reserve(report.size());
    for (const auto& observed : report) {
      auto& record = records.emplace_back(repos.instances.Get(observed.instance_id()));
      if (record && record->host_id != host_id) {
        spdlog::warn("host {} reported {}, which is placed on {}; report refused", host_name,
                     observed.instance_id(), record->host_id);
        return absl::PermissionDeniedError("instance " + observed.instance_id() +
                                           " is not placed on host " + host_name);
      }
    }
    // Only a change of what the host should run is pushed back to it: an
    // instance reported running or stopped as asked leaves its desired set as
    // it was, and pushing it again would cost a rebuild and a round trip per
    // instance launched (docs/benchmarks.md).
    bool desired_changed = false;
    using S = InstanceState;
    using agent::v1::ObservedState;
    for (int i = 0; i < report.size(); ++i) {
      const agent::v1::ObservedInstance& observed = report[i];
      std::optional<InstanceRecord>& record = records[static_cast<size_t>(i)];
      if (!record) {
        // Purged, or from before a restore: nothing to apply, nothing to protect.
        spdlog::debug("host {} reported unknown instance {}; ignored", host_name,
                      observed.instance_id());
        continue;
      }
      InstanceRecord& r = *record;
      ctx.project_id = r.project_id;
      const S state = *ParseState(r.state);
      absl::Status status;
      switch (observed.state()) {
        case ObservedState::OBSERVED_RUNNING:
          if (state == S::kPending && r.desired_state == "running") {
            status = TransitionInstance(repos, changes, ctx, now, r, S::kRunning, {"", ""});
          } else if (state == S::kRunning && r.reason_code == kHostReasonPaused) {
            SetHostReason(repos, changes, ctx, now, r, "", "");
          }
          break;
        case ObservedState::OBSERVED_BUILDING:
        case ObservedState::OBSERVED_STOPPING:
          // A transient failure the host is retrying: shown as the state
          // reason of a pending instance, and named by the pending timeout
          // if the launch never gets through.
          if (state == S::kPending && observed.reason_code() == kHostReasonTransient) {
            SetHostReason(repos, changes, ctx, now, r, observed.reason_code(),
                          observed.reason_message());
          }
          break;
        case ObservedState::OBSERVED_PAUSED:
          // Not running: a pending instance stays pending; a running one
          // says why it does not answer.
          if (state == S::kPending || state == S::kRunning) {
            SetHostReason(repos, changes, ctx, now, r, observed.reason_code(),
                          observed.reason_message());
          }
          break;
        case ObservedState::OBSERVED_STOPPED:
          if (state == S::kStopping) {
            status =
                TransitionInstance(repos, changes, ctx, now, r, S::kStopped,
                                   {"Client.UserInitiatedShutdown", "User initiated shutdown"});
          } else if (state == S::kRunning && r.desired_state == "running") {
            // The guest powered itself off: EC2 stops the instance.
            repos.instances.UpdateDesired(r.instance_id, "stopped", false);
            desired_changed = true;
            status = TransitionInstance(
                repos, changes, ctx, now, r, S::kStopped,
                {"Client.InstanceInitiatedShutdown", "Instance initiated shutdown"});
          }
          break;
        case ObservedState::OBSERVED_ABSENT:
          if (state == S::kShuttingDown) {
            StateReasonText reason{r.reason_code, r.reason_message};
            if (reason.code.rfind("Server.", 0) != 0 || reason.code == kHostReasonTransient ||
                reason.code == kHostReasonPaused) {
              reason = {"Client.UserInitiatedShutdown", "User initiated shutdown"};
            }
            status = TransitionInstance(repos, changes, ctx, now, r, S::kTerminated, reason);
            desired_changed = true;  // it leaves the host's desired set
          }
          break;
        case ObservedState::OBSERVED_FAILED:
          if (state == S::kPending) {
            repos.instances.UpdateDesired(r.instance_id, "terminated", false);
            desired_changed = true;
            status = TransitionInstance(
                repos, changes, ctx, now, r, S::kShuttingDown,
                {"Server.InternalError", observed.reason_message().empty()
                                             ? "the host could not start the instance"
                                             : observed.reason_message()});
          } else if (state != S::kShuttingDown && state != S::kTerminated) {
            RecordEvent(repos, changes, ctx, now, "instance", r.instance_id, "instance.error",
                        "host reported: " + observed.reason_message());
          }
          break;
        default:
          break;
      }
      if (!status.ok()) {
        // A report that does not fit the state machine is the agent's view
        // lagging ours; the next report converges. Log, do not fail the batch.
        spdlog::warn("report for {} from {} not applied: {}", r.instance_id, host_name,
                     status.ToString());
      }
    }
    if (!desired_changed) changes.hosts.erase(host_id);
    return absl::OkStatus();
  });
}

}  // namespace gureum::controller
