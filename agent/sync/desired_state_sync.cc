#include "agent/sync/desired_state_sync.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <google/protobuf/util/time_util.h>
#include <spdlog/spdlog.h>

namespace gureum::agent {
namespace {

constexpr char kIntentDefined[] = "defined";
constexpr char kIntentStarting[] = "starting";
constexpr char kIntentRunning[] = "running";
constexpr char kIntentStopping[] = "stopping";
constexpr char kIntentStopped[] = "stopped";
constexpr char kIntentStoppedByGuest[] = "stopped_by_guest";

std::string MetadataOf(const DomainInfo& domain, const char* key) {
  auto it = domain.metadata.find(key);
  return it == domain.metadata.end() ? std::string() : it->second;
}

int64_t AppliedRebootToken(const DomainInfo& domain) {
  int64_t token = 0;
  if (!absl::SimpleAtoi(MetadataOf(domain, kRebootTokenKey), &token)) return 0;
  return token;
}

v1::ObservedInstance Observation(const std::string& id, v1::ObservedState state) {
  v1::ObservedInstance o;
  o.set_instance_id(id);
  o.set_state(state);
  return o;
}

void SetRunningFacts(v1::ObservedInstance& o, const DomainInfo& domain) {
  o.set_applied_reboot_token(AppliedRebootToken(domain));
  if (domain.boot_time_ms > 0) {
    *o.mutable_boot_time() =
        google::protobuf::util::TimeUtil::MillisecondsToTimestamp(domain.boot_time_ms);
  }
}

bool IsOff(PowerState state) { return state == PowerState::kShutoff; }

v1::ObservedInstance PausedObservation(const DomainInfo& domain) {
  v1::ObservedInstance o = Observation(domain.instance_id, v1::OBSERVED_PAUSED);
  o.set_reason_code(kReasonPaused);
  o.set_reason_message(absl::StrCat("the guest is paused on its host (", domain.state_reason, ")"));
  o.set_applied_reboot_token(AppliedRebootToken(domain));
  return o;
}

}  // namespace

DesiredStateSync::DesiredStateSync(HypervisorDriver& driver, InstanceArtifacts& artifacts,
                                   const Clock& clock, DesiredStateSyncOptions options)
    : driver_(driver), artifacts_(artifacts), clock_(clock), options_(options) {}

void DesiredStateSync::SetDesired(v1::DesiredSet desired) {
  std::lock_guard lock(desired_mutex_);
  desired_ = std::move(desired);
}

void DesiredStateSync::SetPreparedCallback(std::function<void()> callback) {
  std::lock_guard lock(callback_mutex_);
  prepared_callback_ = std::move(callback);
}

ConvergeResult DesiredStateSync::Converge() {
  std::lock_guard converge_lock(converge_mutex_);
  std::optional<v1::DesiredSet> desired;
  {
    std::lock_guard lock(desired_mutex_);
    desired = desired_;
  }

  ConvergeResult result;
  absl::StatusOr<std::vector<DomainInfo>> listed = driver_.List();
  if (!listed.ok()) {
    // Without a view of the host nothing can be decided; the previous report
    // stands and the next pass tries again.
    spdlog::error("sync: cannot list domains: {}", listed.status().ToString());
    for (const auto& [id, bytes] : last_reported_) {
      result.all.emplace_back().ParseFromString(bytes);
    }
    result.generation = applied_generation_.load();
    return result;
  }
  std::map<std::string, DomainInfo> domains;
  for (DomainInfo& d : *listed) {
    std::string id = d.instance_id;
    domains.emplace(std::move(id), std::move(d));
  }

  if (!desired) {
    for (const auto& [id, domain] : domains) result.all.push_back(Observe(domain));
  } else {
    std::set<std::string> seen;
    std::vector<const v1::DesiredInstance*> entries;
    std::vector<std::optional<DomainInfo>> found;
    for (const v1::DesiredInstance& d : desired->instances()) {
      if (d.instance_id().empty() || !seen.insert(d.instance_id()).second) {
        spdlog::warn("sync: ignoring desired entry with empty or repeated id '{}'",
                     d.instance_id());
        continue;
      }
      auto it = domains.find(d.instance_id());
      entries.push_back(&d);
      found.push_back(it != domains.end() ? std::optional<DomainInfo>(it->second) : std::nullopt);
    }
    // Tracks are made here, on this thread: the launches below run in parallel.
    std::vector<Track*> tracks;
    tracks.reserve(entries.size());
    for (const v1::DesiredInstance* d : entries) tracks.push_back(&tracks_[d->instance_id()]);
    std::vector<v1::ObservedInstance> observed(entries.size());
    std::vector<size_t> launches;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (Launches(*entries[i], found[i])) {
        launches.push_back(i);
      } else {
        observed[i] = ConvergeOne(*entries[i], std::move(found[i]), *tracks[i]);
      }
    }
    std::atomic<size_t> next_launch{0};
    auto launch_worker = [&] {
      for (size_t k = next_launch++; k < launches.size(); k = next_launch++) {
        const size_t i = launches[k];
        observed[i] = ConvergeOne(*entries[i], std::move(found[i]), *tracks[i]);
      }
    };
    std::vector<std::thread> workers;
    const size_t parallel =
        std::min(launches.size(), static_cast<size_t>(std::max(options_.parallel_launches, 1)));
    for (size_t w = 1; w < parallel; ++w) workers.emplace_back(launch_worker);
    launch_worker();
    for (std::thread& worker : workers) worker.join();
    for (size_t i = 0; i < entries.size(); ++i) {
      v1::ObservedInstance& o = observed[i];
      if (o.state() != v1::OBSERVED_ABSENT && o.state() != v1::OBSERVED_FAILED) {
        o.set_private_ip_address(entries[i]->spec().private_ip_address());
      }
      result.all.push_back(std::move(o));
    }
    for (const auto& [id, domain] : domains) {
      if (!seen.contains(id)) RemoveOrphan(domain);
    }
    for (auto it = tracks_.begin(); it != tracks_.end();) {
      if (seen.contains(it->first)) {
        ++it;
        continue;
      }
      // Waiting here would stall every other instance behind a download.
      if (it->second.preparing.valid()) {
        abandoned_.push_back(Abandoned{it->first, std::move(it->second.preparing)});
      }
      it = tracks_.erase(it);
    }
    ReapAbandoned(seen);
    result.generation = desired->generation();
    applied_generation_.store(desired->generation());
  }

  std::map<std::string, std::string> reported;
  for (const v1::ObservedInstance& o : result.all) {
    std::string bytes = o.SerializeAsString();
    auto previous = last_reported_.find(o.instance_id());
    if (previous == last_reported_.end() || previous->second != bytes) result.changed.push_back(o);
    if (o.state() == v1::OBSERVED_STOPPING || o.state() == v1::OBSERVED_BUILDING) {
      result.settling = true;
    }
    reported.emplace(o.instance_id(), std::move(bytes));
  }
  last_reported_ = std::move(reported);
  return result;
}

bool DesiredStateSync::Launches(const v1::DesiredInstance& desired,
                                const std::optional<DomainInfo>& domain) {
  switch (desired.power()) {
    case v1::DESIRED_RUNNING:
      return !domain || IsOff(domain->state) || domain->state == PowerState::kCrashed;
    case v1::DESIRED_STOPPED:
      return !domain;
    default:
      return false;
  }
}

v1::ObservedInstance DesiredStateSync::ConvergeOne(const v1::DesiredInstance& desired,
                                                   std::optional<DomainInfo> domain, Track& track) {
  const std::string& id = desired.instance_id();
  std::string fingerprint = desired.SerializeAsString();
  if (track.failed_for) {
    if (*track.failed_for == fingerprint) {
      v1::ObservedInstance o = Observation(id, v1::OBSERVED_FAILED);
      o.set_reason_code(kReasonInternalError);
      o.set_reason_message(track.failure_message);
      return o;
    }
    spdlog::info("sync: {}: desired state changed after a failure; trying again", id);
    track.failed_for.reset();
    track.failure_message.clear();
  }
  if (track.transient_failures > 0) {
    if (track.retry_for != fingerprint) {
      track.transient_failures = 0;  // a new request starts its own count
    } else if (clock_.NowMillis() < track.retry_at_ms) {
      return track.retry_observed;
    }
  }
  const int failures_before = track.transient_failures;
  v1::ObservedInstance o;
  switch (desired.power()) {
    case v1::DESIRED_RUNNING:
      o = EnsureRunning(desired, std::move(domain), track, fingerprint);
      break;
    case v1::DESIRED_STOPPED:
      o = EnsureStopped(desired, std::move(domain), track, fingerprint);
      break;
    case v1::DESIRED_ABSENT:
      o = EnsureAbsent(desired, std::move(domain), track, fingerprint);
      break;
    default:
      spdlog::warn("sync: {}: desired power unspecified; only observing", id);
      return domain ? Observe(*domain) : Observation(id, v1::OBSERVED_ABSENT);
  }
  if (failures_before > 0 && track.transient_failures == failures_before) {
    spdlog::info("sync: {}: went on after {} transient failure(s)", id, failures_before);
    track.transient_failures = 0;
  }
  return o;
}

void DesiredStateSync::ReapAbandoned(const std::set<std::string>& desired_ids) {
  for (auto it = abandoned_.begin(); it != abandoned_.end();) {
    if (it->preparing.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      ++it;
      continue;
    }
    it->preparing.get().IgnoreError();
    // An instance that came back prepares again (Prepare is idempotent) and
    // owns its files; otherwise nothing will ever use them.
    if (!desired_ids.contains(it->instance_id)) {
      if (absl::Status s = artifacts_.Release(it->instance_id); !s.ok()) {
        spdlog::error("sync: {}: release after abandoned prepare failed: {}", it->instance_id,
                      s.ToString());
      }
    }
    it = abandoned_.erase(it);
  }
}

absl::StatusOr<std::optional<DomainInfo>> DesiredStateSync::Create(
    const v1::DesiredInstance& desired, const char* intent, Track& track, SyncStep& failed_step) {
  const std::string& id = desired.instance_id();
  failed_step = SyncStep::kPrepare;
  absl::StatusOr<DomainSpec> spec;
  if (!options_.prepare_in_background) {
    spec = artifacts_.Prepare(desired);
  } else {
    if (!track.preparing.valid()) {
      spdlog::info("sync: {}: preparing image, disk and seed", id);
      auto prepared = std::make_shared<std::atomic<bool>>(false);
      track.prepared = prepared;
      track.preparing = std::async(std::launch::async, [this, desired, prepared] {
        const auto start = std::chrono::steady_clock::now();
        absl::StatusOr<DomainSpec> result = artifacts_.Prepare(desired);
        spdlog::info("sync: {}: prepared in {} ms", desired.instance_id(),
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count());
        prepared->store(true);
        // Converge now rather than at the next settle pass (up to 250 ms).
        std::lock_guard lock(callback_mutex_);
        if (prepared_callback_) prepared_callback_();
        return result;
      });
    }
    // Once `prepared` is set the result is microseconds away: wait for it
    // rather than leave it for the next pass.
    if (!(track.prepared && track.prepared->load()) &&
        track.preparing.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      return std::nullopt;
    }
    spec = track.preparing.get();
    track.prepared.reset();
  }
  if (!spec.ok()) return spec.status();
  failed_step = SyncStep::kDefine;
  spec->instance_id = id;
  spec->metadata[kRebootTokenKey] = absl::StrCat(desired.reboot_token());
  spec->metadata[kPowerIntentKey] = intent;
  if (absl::Status s = driver_.Define(*spec); !s.ok()) return s;
  spdlog::info("sync: {}: defined ({} vCPU, {} MiB)", id, spec->vcpus, spec->memory_mib);
  absl::StatusOr<DomainInfo> info = driver_.Info(id);
  if (!info.ok()) {
    return absl::Status(info.status().code(),
                        absl::StrCat("domain not found after define: ", info.status().message()));
  }
  return std::optional<DomainInfo>(*std::move(info));
}

v1::ObservedInstance DesiredStateSync::EnsureRunning(const v1::DesiredInstance& desired,
                                                     std::optional<DomainInfo> domain, Track& track,
                                                     const std::string& fingerprint) {
  const std::string& id = desired.instance_id();
  track.stop_requested_ms.reset();
  track.released = false;
  if (!domain) {
    SyncStep step = SyncStep::kPrepare;
    absl::StatusOr<std::optional<DomainInfo>> created =
        Create(desired, kIntentDefined, track, step);
    if (!created.ok()) return Fail(desired, track, fingerprint, step, created.status());
    if (!*created) return Observation(id, v1::OBSERVED_BUILDING);
    domain = std::move(**created);
  }
  DomainInfo& d = *domain;
  std::string intent = MetadataOf(d, kPowerIntentKey);

  if (d.state == PowerState::kShuttingDown) {
    // Either our earlier stop or the guest itself; decide once it is off.
    return Observation(id, v1::OBSERVED_STOPPING);
  }
  if (d.state == PowerState::kPaused) {
    // Paused by someone else (an operator, a disk I/O error, a migration):
    // report it as it is; resuming is theirs to decide.
    if (intent != kIntentStarting) return PausedObservation(d);
    // Our own start, interrupted after QEMU started paused: finish it. The
    // guest has not run yet, so this is its first and only boot.
    spdlog::info("sync: {}: paused by an interrupted start ({}); finishing it", id, d.state_reason);
    if (absl::Status s = StartGuest(desired, d); !s.ok()) {
      return Fail(desired, track, fingerprint, SyncStep::kStart, s);
    }
    spdlog::info("sync: {}: started", id);
    intent = kIntentRunning;
  }

  bool off = IsOff(d.state) || d.state == PowerState::kCrashed;
  if (off && (intent == kIntentRunning || intent == kIntentStoppedByGuest)) {
    // We started it and did not stop it: the guest powered off or crashed.
    if (intent == kIntentRunning) {
      spdlog::warn("sync: {}: guest stopped by itself ({})", id, d.state_reason);
      SetIntent(d, kIntentStoppedByGuest);
    }
    v1::ObservedInstance o = Observation(id, v1::OBSERVED_STOPPED);
    o.set_reason_code(kReasonInstanceInitiatedShutdown);
    o.set_reason_message(d.state_reason == "crashed" ? "Instance crashed"
                                                     : "Instance initiated shutdown");
    o.set_applied_reboot_token(AppliedRebootToken(d));
    return o;
  }

  if (off) {
    if (d.state == PowerState::kCrashed) {
      // A preserved crashed domain is still active; clear it before booting.
      if (absl::Status s = driver_.PowerOff(id); !s.ok()) {
        return Fail(desired, track, fingerprint, SyncStep::kPowerOff, s);
      }
    }
    if (absl::Status s = StartGuest(desired, d); !s.ok()) {
      return Fail(desired, track, fingerprint, SyncStep::kStart, s);
    }
    spdlog::info("sync: {}: started", id);
  } else if (intent != kIntentRunning) {
    SetIntent(d, kIntentRunning);
  }

  v1::ObservedInstance o = Observation(id, v1::OBSERVED_RUNNING);
  int64_t applied = AppliedRebootToken(d);
  if (desired.reboot_token() > applied && d.state == PowerState::kRunning &&
      track.reboot_failed_for != fingerprint) {
    if (absl::Status s = driver_.Reboot(id); !s.ok()) {
      // The guest keeps running; say so. A transient failure is tried again
      // at the next pass; a permanent one not for this entry.
      const FailureKind kind = ClassifyFailure(SyncStep::kReboot, s);
      spdlog::error("sync: {}: reboot failed ({}): {}", id, FailureKindName(kind), s.ToString());
      if (kind == FailureKind::kPermanent) track.reboot_failed_for = fingerprint;
      o.set_reason_code(kind == FailureKind::kPermanent ? kReasonInternalError
                                                        : kReasonTransientError);
      o.set_reason_message(absl::StrCat("reboot failed: ", s.message()));
    } else {
      std::map<std::string, std::string> metadata = d.metadata;
      metadata[kRebootTokenKey] = absl::StrCat(desired.reboot_token());
      if (absl::Status s = driver_.SetMetadata(id, metadata); !s.ok()) {
        spdlog::warn("sync: {}: cannot record reboot token: {}", id, s.ToString());
      } else {
        d.metadata = std::move(metadata);
      }
      spdlog::info("sync: {}: rebooted (token {})", id, desired.reboot_token());
    }
  }
  SetRunningFacts(o, d);
  return o;
}

v1::ObservedInstance DesiredStateSync::EnsureStopped(const v1::DesiredInstance& desired,
                                                     std::optional<DomainInfo> domain, Track& track,
                                                     const std::string& fingerprint) {
  const std::string& id = desired.instance_id();
  track.released = false;
  if (!domain) {
    SyncStep step = SyncStep::kPrepare;
    absl::StatusOr<std::optional<DomainInfo>> created =
        Create(desired, kIntentStopped, track, step);
    if (!created.ok()) return Fail(desired, track, fingerprint, step, created.status());
    if (!*created) return Observation(id, v1::OBSERVED_BUILDING);
    domain = std::move(**created);
  }
  DomainInfo& d = *domain;

  if (d.state == PowerState::kRunning && !track.stop_requested_ms && !desired.force_stop()) {
    SetIntent(d, kIntentStopping);
    if (absl::Status s = driver_.Shutdown(id); !s.ok()) {
      return Fail(desired, track, fingerprint, SyncStep::kShutdown, s);
    }
    track.stop_requested_ms = clock_.NowMillis();
    spdlog::info("sync: {}: shutdown requested", id);
    // A quick guest may already be off.
    if (absl::StatusOr<DomainInfo> info = driver_.Info(id); info.ok()) d = std::move(*info);
  }

  if (IsOff(d.state)) {
    track.stop_requested_ms.reset();
    SetIntent(d, kIntentStopped);
    v1::ObservedInstance o = Observation(id, v1::OBSERVED_STOPPED);
    o.set_applied_reboot_token(AppliedRebootToken(d));
    return o;
  }
  if (d.state == PowerState::kCrashed || d.state == PowerState::kPaused || desired.force_stop()) {
    return ForceOff(desired, d, track, fingerprint);
  }
  // Running or shutting down after our request (or one made before a restart
  // of the agent: the clock starts now).
  if (!track.stop_requested_ms) track.stop_requested_ms = clock_.NowMillis();
  if (clock_.NowMillis() - *track.stop_requested_ms >= options_.stop_timeout.count()) {
    spdlog::warn("sync: {}: did not shut down within {} ms; powering off", id,
                 options_.stop_timeout.count());
    return ForceOff(desired, d, track, fingerprint);
  }
  v1::ObservedInstance o = Observation(id, v1::OBSERVED_STOPPING);
  o.set_applied_reboot_token(AppliedRebootToken(d));
  return o;
}

v1::ObservedInstance DesiredStateSync::ForceOff(const v1::DesiredInstance& desired,
                                                DomainInfo& domain, Track& track,
                                                const std::string& fingerprint) {
  const std::string& id = desired.instance_id();
  SetIntent(domain, kIntentStopping);
  if (absl::Status s = driver_.PowerOff(id); !s.ok()) {
    // "Not running": off meanwhile (the guest obeyed a shutdown, or the
    // hypervisor stopped it), which is what was asked for. Only then is it
    // worth asking the hypervisor again.
    const bool off_meanwhile = absl::IsFailedPrecondition(s) && [&] {
      absl::StatusOr<DomainInfo> now = driver_.Info(id);
      return now.ok() && IsOff(now->state);
    }();
    if (!off_meanwhile) return Fail(desired, track, fingerprint, SyncStep::kPowerOff, s);
  }
  spdlog::info("sync: {}: powered off", id);
  track.stop_requested_ms.reset();
  SetIntent(domain, kIntentStopped);
  v1::ObservedInstance o = Observation(id, v1::OBSERVED_STOPPED);
  o.set_applied_reboot_token(AppliedRebootToken(domain));
  return o;
}

v1::ObservedInstance DesiredStateSync::EnsureAbsent(const v1::DesiredInstance& desired,
                                                    std::optional<DomainInfo> domain, Track& track,
                                                    const std::string& fingerprint) {
  const std::string& id = desired.instance_id();
  track.stop_requested_ms.reset();
  if (track.preparing.valid()) {
    // Its files cannot be removed while they are being made; the result is
    // not needed any more.
    if (track.preparing.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      return Observation(id, v1::OBSERVED_BUILDING);
    }
    track.preparing.get().IgnoreError();
    track.released = false;
  }
  if (domain) {
    if (absl::Status s = driver_.Undefine(id); !s.ok() && !absl::IsNotFound(s)) {
      return Fail(desired, track, fingerprint, SyncStep::kUndefine, s);
    }
    spdlog::info("sync: {}: undefined", id);
    track.released = false;
  }
  if (!track.released) {
    if (absl::Status s = artifacts_.Release(id); !s.ok()) {
      return Fail(desired, track, fingerprint, SyncStep::kRelease, s);
    }
    track.released = true;
  }
  return Observation(id, v1::OBSERVED_ABSENT);
}

v1::ObservedInstance DesiredStateSync::Fail(const v1::DesiredInstance& desired, Track& track,
                                            const std::string& fingerprint, SyncStep step,
                                            const absl::Status& status) {
  const std::string& id = desired.instance_id();
  std::string message = absl::StrCat(SyncStepName(step), " failed: ", status.message());
  if (ClassifyFailure(step, status) == FailureKind::kTransient) {
    const int attempt = ++track.transient_failures;
    const std::chrono::milliseconds delay = RetryDelay(attempt);
    track.retry_for = fingerprint;
    track.retry_at_ms = clock_.NowMillis() + delay.count();
    spdlog::warn("sync: {}: {} (transient, attempt {}; retrying in {} ms)", id, message, attempt,
                 delay.count());
    v1::ObservedInstance o = Observation(
        id, desired.power() == v1::DESIRED_RUNNING ? v1::OBSERVED_BUILDING : v1::OBSERVED_STOPPING);
    o.set_reason_code(kReasonTransientError);
    o.set_reason_message(absl::StrCat(message, " (attempt ", attempt, "; retrying)"));
    track.retry_observed = o;
    return o;
  }
  spdlog::error("sync: {}: {}", id, message);
  track.failed_for = fingerprint;
  track.failure_message = message;
  v1::ObservedInstance o = Observation(id, v1::OBSERVED_FAILED);
  o.set_reason_code(kReasonInternalError);
  o.set_reason_message(message);
  return o;
}

void DesiredStateSync::SetIntent(DomainInfo& domain, const std::string& intent) {
  if (absl::Status s = RecordIntent(domain, intent); !s.ok()) {
    spdlog::warn("sync: {}: cannot record power intent '{}': {}", domain.instance_id, intent,
                 s.ToString());
  }
}

absl::Status DesiredStateSync::RecordIntent(DomainInfo& domain, const std::string& intent) {
  if (MetadataOf(domain, kPowerIntentKey) == intent) return absl::OkStatus();
  std::map<std::string, std::string> metadata = domain.metadata;
  metadata[kPowerIntentKey] = intent;
  if (absl::Status s = driver_.SetMetadata(domain.instance_id, metadata); !s.ok()) return s;
  domain.metadata = std::move(metadata);
  return absl::OkStatus();
}

absl::Status DesiredStateSync::StartGuest(const v1::DesiredInstance& desired, DomainInfo& d) {
  const std::string& id = desired.instance_id();
  // Recorded first, so that a domain this start leaves paused (the agent or
  // the hypervisor dying mid-way) is known to be ours to finish.
  if (absl::Status s = RecordIntent(d, kIntentStarting); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("cannot record the start: ", s.message()));
  }
  if (absl::Status s = driver_.Start(id); !s.ok()) return s;
  // A fresh boot makes any pending reboot moot.
  std::map<std::string, std::string> metadata = d.metadata;
  metadata[kPowerIntentKey] = kIntentRunning;
  metadata[kRebootTokenKey] = absl::StrCat(desired.reboot_token());
  if (absl::Status s = driver_.SetMetadata(id, metadata); !s.ok()) {
    // The next pass finds it running with intent "starting" and records it.
    spdlog::warn("sync: {}: cannot record start: {}", id, s.ToString());
  }
  absl::StatusOr<DomainInfo> info = driver_.Info(id);
  if (!info.ok()) return info.status();
  d = *std::move(info);
  return absl::OkStatus();
}

void DesiredStateSync::RemoveOrphan(const DomainInfo& domain) {
  const std::string& id = domain.instance_id;
  spdlog::warn("sync: orphan domain {} ({}) is not in the desired set; removing it", id,
               PowerStateName(domain.state));
  if (absl::Status s = driver_.Undefine(id); !s.ok() && !absl::IsNotFound(s)) {
    spdlog::error("sync: orphan {}: undefine failed: {}", id, s.ToString());
    return;
  }
  if (absl::Status s = artifacts_.Release(id); !s.ok()) {
    spdlog::error("sync: orphan {}: release failed: {}", id, s.ToString());
  }
}

v1::ObservedInstance DesiredStateSync::Observe(const DomainInfo& domain) {
  switch (domain.state) {
    case PowerState::kRunning: {
      v1::ObservedInstance o = Observation(domain.instance_id, v1::OBSERVED_RUNNING);
      SetRunningFacts(o, domain);
      return o;
    }
    case PowerState::kPaused:
      return PausedObservation(domain);
    case PowerState::kShuttingDown:
      return Observation(domain.instance_id, v1::OBSERVED_STOPPING);
    case PowerState::kShutoff:
    case PowerState::kCrashed:
      break;
  }
  v1::ObservedInstance o = Observation(domain.instance_id, v1::OBSERVED_STOPPED);
  o.set_applied_reboot_token(AppliedRebootToken(domain));
  return o;
}

}  // namespace gureum::agent
