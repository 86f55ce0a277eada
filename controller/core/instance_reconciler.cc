#include "controller/core/instance_reconciler.h"

#include <set>

#include "controller/core/lifecycle.h"

namespace gureum::controller {

absl::StatusOr<ReconcileCounts> InstanceReconciler::RunOnce() {
  const int64_t now = core_.clock.NowMillis();
  const int64_t pending_ms = options_.pending_timeout.count();
  const int64_t transition_ms = options_.transition_timeout.count();
  RequestContext ctx;
  ctx.request_id = "ctl-" + core_.ids.Hex(12);
  ctx.actor = "controller:reconciler";
  std::lock_guard lock(mutex_);
  auto counts = Commit(
      core_, [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<ReconcileCounts> {
        ReconcileCounts counts;
        std::set<std::string> stuck_ids;
        for (InstanceRecord& r :
             repos.instances.ListInTransitionSince(now - std::min(pending_ms, transition_ms))) {
          if (r.host_state != "up") continue;
          const int64_t waited = now - r.state_changed_at;
          if (r.state == "pending") {
            if (waited <= pending_ms) continue;
            repos.instances.UpdateDesired(r.instance_id, "terminated", false);
            // What the host last said (a transient error it kept retrying,
            // a guest paused by someone else) is the likeliest cause.
            std::string message = "the host did not start the instance within " +
                                  std::to_string(pending_ms / 1000) + " s";
            if (!r.reason_message.empty()) message += "; last error: " + r.reason_message;
            auto s = TransitionInstance(repos, changes, ctx, now, r, InstanceState::kShuttingDown,
                                        {"Server.InternalError", message});
            if (!s.ok()) return s;
            ++counts.failed;
            continue;
          }
          if (waited <= transition_ms) continue;
          stuck_ids.insert(r.instance_id);
          auto last = last_retry_.find(r.instance_id);
          if (last != last_retry_.end() && now - last->second <= transition_ms) continue;
          last_retry_[r.instance_id] = now;
          changes.hosts.insert(r.host_id);
          RecordEvent(repos, changes, ctx, now, "instance", r.instance_id, "instance.retried",
                      "instance " + r.instance_id + " has been " + r.state + " for " +
                          std::to_string(waited / 1000) + " s; its desired state was sent to " +
                          r.host_name + " again");
          ++counts.retried;
        }
        // Forget instances that are no longer stuck.
        for (auto it = last_retry_.begin(); it != last_retry_.end();) {
          it = stuck_ids.contains(it->first) ? std::next(it) : last_retry_.erase(it);
        }
        return counts;
      });
  return counts;
}

}  // namespace gureum::controller
