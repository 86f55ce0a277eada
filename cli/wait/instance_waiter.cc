#include "cli/wait/instance_waiter.h"

#include <algorithm>
#include <set>

#include "cli/rpc/call_error_message.h"
#include "cli/rpc/instance_pages.h"

namespace gureum::cli {
namespace {

using Verdict = WaitTarget::Verdict;

std::string ReasonOf(const v1::Instance& instance) {
  const auto& reason = instance.state_reason();
  if (reason.code().empty()) return reason.message();
  if (reason.message().empty()) return reason.code();
  return reason.code() + ": " + reason.message();
}

}  // namespace

WaitResult InstanceWaiter::Wait(const std::vector<std::string>& instance_ids,
                                const WaitTarget& target, const WaitSettings& settings,
                                WaitProgress& progress) {
  WaitResult result;
  const int64_t started = clock_.NowMillis();
  std::vector<InstanceProgress> rows;
  for (const auto& id : instance_ids) {
    InstanceProgress row;
    row.instance_id = id;
    rows.push_back(std::move(row));
  }

  v1::DescribeInstancesRequest request;
  for (const auto& id : instance_ids) request.add_instance_ids(id);

  bool answered_once = false;
  while (true) {
    auto answer = DescribeInstancePages(client_, request, PageLimits{});
    result.elapsed = std::chrono::milliseconds(clock_.NowMillis() - started);
    std::string note;
    if (!answer.ok()) {
      // A server that answered before is worth waiting for through a restart; one
      // that never answered is most likely the wrong endpoint.
      if (!answered_once || !IsTransportFailure(answer.status)) {
        result.outcome = WaitResult::Outcome::kCallFailed;
        result.last_failure = std::move(answer);
        progress.Finish();
        return result;
      }
      note =
          CallErrorMessage(answer.operation, answer.status, client_.endpoint(), client_.timeout()) +
          "; retrying";
      result.last_failure = std::move(answer);
    } else {
      answered_once = true;
      std::set<std::string> present;
      for (const auto& instance : answer.response.instances()) {
        present.insert(instance.instance_id());
        result.last_seen[instance.instance_id()] = instance;
      }
      for (auto& row : rows) {
        if (present.count(row.instance_id) > 0) {
          const v1::Instance& instance = result.last_seen[row.instance_id];
          row.state = instance.state().name();
          row.reason = ReasonOf(instance);
          row.verdict = target.Judge(instance);
        } else {
          row.state = "not-found";
          row.reason = "";
          row.verdict = target.JudgeMissing();
        }
      }
    }
    // Elapsed keeps running only for instances still on their way.
    for (auto& row : rows) {
      if (row.verdict == Verdict::kInProgress) row.elapsed = result.elapsed;
    }
    progress.Update(rows, note);

    auto settled = std::find_if(rows.begin(), rows.end(), [](const InstanceProgress& row) {
      return row.verdict == Verdict::kSettledElsewhere;
    });
    if (settled != rows.end()) {
      result.outcome = WaitResult::Outcome::kSettledElsewhere;
      result.culprit = settled->instance_id;
      progress.Finish();
      return result;
    }
    auto pending = std::find_if(rows.begin(), rows.end(), [](const InstanceProgress& row) {
      return row.verdict != Verdict::kReached;
    });
    if (pending == rows.end()) {
      result.outcome = WaitResult::Outcome::kReached;
      progress.Finish();
      return result;
    }
    if (result.elapsed >= settings.timeout) {
      result.outcome = WaitResult::Outcome::kTimedOut;
      result.culprit = pending->instance_id;
      progress.Finish();
      return result;
    }
    sleeper_.SleepFor(std::min(settings.interval, settings.timeout - result.elapsed));
  }
}

}  // namespace gureum::cli
