// DesiredStateSync: converges the controller's desired set for this host onto
// the hypervisor and says what it observes, level-triggered like a kubelet:
// each Converge compares the latest desired set with driver.List() and takes
// the next steps, so a lost message or a restart of either side only delays
// convergence. Thread-safe: SetDesired may be called from any thread while a
// Converge runs; Converge calls are serialized.
//
// What it keeps with each domain (driver metadata), so a restarted agent
// carries on where it left off:
// - "reboot_token": the highest reboot token applied; a desired token above it
//   reboots the running guest once.
// - "power_intent": what the agent last did to the power: "defined" (never
//   started), "starting" (recorded before the driver's Start, which is
//   several steps), "running", "stopping", "stopped", or "stopped_by_guest".
//   A shut off domain whose intent is "running" was stopped from inside (or
//   crashed): it is reported STOPPED with reason
//   Client.InstanceInitiatedShutdown and NOT started again while the desired
//   entry says RUNNING; the controller is expected to record the instance as
//   stopped (desired STOPPED), and a later StartInstances starts it. A paused
//   domain whose intent is "starting" is the sync's own start, interrupted
//   (the agent or the hypervisor died mid-way): Start finishes it. A domain
//   paused for any other reason is reported PAUSED, never RUNNING, and left
//   to whoever paused it.
//
// Failures are classified by ClassifyFailure (failure_kind.h). Transient ones
// (the hypervisor restarting, a lost connection, a timeout) are retried with
// backoff while the desired entry stays the same, and reported meanwhile as
// BUILDING (desired running) or STOPPING (desired stopped or absent) with
// reason Server.TransientError naming the error; they never fail an
// instance (the controller's pending timeout bounds a launch). Permanent
// failures to prepare, define, start, stop or remove are reported FAILED
// (Server.InternalError, message naming the step) and are not retried until
// that instance's desired entry changes (or the agent restarts).
//
// With prepare_in_background, InstanceArtifacts::Prepare (which may download
// an image for minutes) runs on a thread of its own per instance; until it
// finishes the instance is reported BUILDING and every other instance keeps
// converging. Destroying the sync waits for those threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/hypervisor/driver.h"
#include "agent/sync/failure_kind.h"
#include "agent/sync/instance_artifacts.h"
#include "common/clock.h"
#include "gureum/agent/v1/agent.pb.h"

namespace gureum::agent {

// Domain metadata keys owned by the sync.
inline constexpr char kRebootTokenKey[] = "reboot_token";
inline constexpr char kPowerIntentKey[] = "power_intent";

// EC2 state reason codes the agent reports.
inline constexpr char kReasonInternalError[] = "Server.InternalError";
inline constexpr char kReasonInstanceInitiatedShutdown[] = "Client.InstanceInitiatedShutdown";
// A transient failure is being retried (not an EC2 code: EC2 does not show
// its retries).
inline constexpr char kReasonTransientError[] = "Server.TransientError";
// The guest's vCPUs are paused on the host by someone other than the agent.
inline constexpr char kReasonPaused[] = "Server.Paused";

struct DesiredStateSyncOptions {
  // How long a guest may take to obey an ACPI shutdown before it is powered off.
  std::chrono::milliseconds stop_timeout{60'000};
  // Run Prepare off the converge thread and report BUILDING meanwhile (for
  // artifacts that download images); off, Prepare runs inside Converge.
  bool prepare_in_background = false;
  // How many new or powered-off instances one pass defines and starts at once
  // (each on its own thread): a libvirt start is about a second of QEMU
  // starting, so a batch placed on this host should not queue behind it.
  int parallel_launches = 1;
};

struct ConvergeResult {
  // Every instance of the desired set (or, before the first desired set, every
  // domain on the host): the full report.
  std::vector<v1::ObservedInstance> all;
  // Only those that differ from the previous Converge (new ones included).
  std::vector<v1::ObservedInstance> changed;
  // Generation of the desired set this converged; -1 before the first one.
  int64_t generation = -1;
  // Something is mid-transition (stopping, building): converge again soon
  // rather than at the next resync.
  bool settling = false;
};

class DesiredStateSync {
 public:
  // `driver`, `artifacts` and `clock` must outlive the sync. The stop timeout
  // is measured on `clock`.
  DesiredStateSync(HypervisorDriver& driver, InstanceArtifacts& artifacts, const Clock& clock,
                   DesiredStateSyncOptions options = {});

  // Replaces the desired set; takes effect at the next Converge. The latest
  // set wins whatever its generation (a restarted controller may count anew).
  void SetDesired(v1::DesiredSet desired);

  // One pass: acts on every difference and returns what is observed after it.
  // Before the first desired set it only observes (nothing is touched).
  ConvergeResult Converge();

  // Generation of the desired set the last Converge worked on; -1 if none.
  int64_t applied_generation() const { return applied_generation_.load(); }

  // With prepare_in_background: `callback` runs on the preparing thread as
  // soon as a Prepare has finished, so the caller can converge at once rather
  // than at its next periodic pass (the next Converge then takes the result
  // without waiting). Must not block. nullptr removes it; once this returns
  // the previous callback is not running and will not run. Thread-safe.
  void SetPreparedCallback(std::function<void()> callback);

 private:
  // What the sync remembers about one instance between passes.
  struct Track {
    std::optional<int64_t> stop_requested_ms;
    // Set after a failed step: the desired entry (serialized) it failed for
    // and the message. Nothing is retried while the entry stays the same.
    std::optional<std::string> failed_for;
    std::string failure_message;
    std::optional<std::string> reboot_failed_for;
    // Transient failures in a row for the desired entry `retry_for`; no step
    // is taken before retry_at_ms, and `retry_observed` is reported meanwhile.
    int transient_failures = 0;
    std::string retry_for;
    int64_t retry_at_ms = 0;
    v1::ObservedInstance retry_observed;
    bool released = false;
    // A Prepare running in the background (valid() while it runs or until
    // its result is taken).
    std::future<absl::StatusOr<DomainSpec>> preparing;
    // Set by the preparing thread once Prepare has returned, just before the
    // prepared callback: the future is then ready within microseconds.
    std::shared_ptr<std::atomic<bool>> prepared;
  };
  // A background Prepare whose instance left the desired set; its files are
  // released once it finishes (unless the instance came back).
  struct Abandoned {
    std::string instance_id;
    std::future<absl::StatusOr<DomainSpec>> preparing;
  };

  v1::ObservedInstance ConvergeOne(const v1::DesiredInstance& desired,
                                   std::optional<DomainInfo> domain, Track& track);
  // Whether converging this entry defines or starts a guest (slow: it is
  // worth a thread of its own).
  static bool Launches(const v1::DesiredInstance& desired, const std::optional<DomainInfo>& domain);
  v1::ObservedInstance EnsureRunning(const v1::DesiredInstance& desired,
                                     std::optional<DomainInfo> domain, Track& track,
                                     const std::string& fingerprint);
  v1::ObservedInstance EnsureStopped(const v1::DesiredInstance& desired,
                                     std::optional<DomainInfo> domain, Track& track,
                                     const std::string& fingerprint);
  v1::ObservedInstance EnsureAbsent(const v1::DesiredInstance& desired,
                                    std::optional<DomainInfo> domain, Track& track,
                                    const std::string& fingerprint);
  // Prepare + Define a stopped domain with the given power intent. nullopt
  // while a background Prepare still runs. On failure `failed_step` says
  // which step failed.
  absl::StatusOr<std::optional<DomainInfo>> Create(const v1::DesiredInstance& desired,
                                                   const char* intent, Track& track,
                                                   SyncStep& failed_step);
  // Records the intent "starting", then starts (or finishes the interrupted
  // start of) the domain and records "running"; `d` is read again after.
  absl::Status StartGuest(const v1::DesiredInstance& desired, DomainInfo& d);
  // Releases the files of abandoned Prepares that finished, unless their
  // instance is in `desired_ids` again.
  void ReapAbandoned(const std::set<std::string>& desired_ids);
  // Powers off, reports STOPPED and records the intent.
  v1::ObservedInstance ForceOff(const v1::DesiredInstance& desired, DomainInfo& domain,
                                Track& track, const std::string& fingerprint);
  // Records a failed step and returns what to report: for a transient
  // failure the retry is scheduled and BUILDING or STOPPING is reported with
  // the error as reason; for a permanent one, FAILED.
  v1::ObservedInstance Fail(const v1::DesiredInstance& desired, Track& track,
                            const std::string& fingerprint, SyncStep step,
                            const absl::Status& status);
  // Stores `intent` in the domain's metadata if it differs (best effort).
  void SetIntent(DomainInfo& domain, const std::string& intent);
  // The same, but the caller needs it recorded before it goes on.
  absl::Status RecordIntent(DomainInfo& domain, const std::string& intent);
  void RemoveOrphan(const DomainInfo& domain);
  static v1::ObservedInstance Observe(const DomainInfo& domain);

  HypervisorDriver& driver_;
  InstanceArtifacts& artifacts_;
  const Clock& clock_;
  const DesiredStateSyncOptions options_;
  std::mutex callback_mutex_;
  std::function<void()> prepared_callback_;  // guarded by callback_mutex_

  std::mutex desired_mutex_;
  std::optional<v1::DesiredSet> desired_;  // guarded by desired_mutex_

  std::mutex converge_mutex_;  // one Converge at a time; guards the fields below
  std::map<std::string, Track> tracks_;
  std::map<std::string, std::string> last_reported_;  // id -> serialized observation
  std::vector<Abandoned> abandoned_;

  std::atomic<int64_t> applied_generation_{-1};
};

}  // namespace gureum::agent
