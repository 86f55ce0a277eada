// FakeDriver: an in-memory hypervisor with the semantics and errors of a real
// one (libvirt/QEMU), for tests, benchmarks and `--driver fake`. Thread-safe:
// one mutex guards every domain.
//
// Semantics, which this file documents for every driver (see driver.h):
// - Define makes a persistent, stopped domain (reason "defined").
//   InvalidArgument for an empty id or one containing '/', vcpus < 1 or
//   memory_mib < 1; AlreadyExists if the id is taken. The fake needs no files:
//   the paths in the spec are kept but never opened.
// - Start boots a shut-off or crashed-and-destroyed domain: kRunning, reason
//   "booted", boot_time_ms = now. ResourceExhausted when the memory of the
//   active domains plus this one exceeds the host's memory (QEMU cannot
//   allocate it); vCPUs may be overcommitted, as on a real host. Like
//   libvirt's, it is two steps: the guest is first kPaused ("starting up")
//   and saved so (for `start_pause` when set), then runs; a domain left
//   kPaused by an interrupted Start is finished by the next Start.
// - A lost connection (injected: ResetConnectionDuringNextStart,
//   DropConnection, connection_reset_rate) fails a call with Unavailable and
//   libvirt's words ("Cannot recv data: Connection reset by peer"); a Start
//   that loses it after the first step leaves the guest kPaused.
// - Shutdown presses the ACPI power button: kShuttingDown at once, and the
//   guest complies `shutdown_delay_ms` later on the injected clock (kShutoff,
//   reason "shutdown"). Time is looked at on every call, so with the default
//   delay of 0 the next Info/List already shows kShutoff. A negative delay
//   makes guests ignore the button (only PowerOff stops them). Repeating
//   Shutdown while the guest is shutting down is allowed and changes nothing.
// - PowerOff is immediate: kShutoff, reason "destroyed".
// - Reboot keeps the domain running (boot_time_ms unchanged: the QEMU process
//   stays) and the guest prints its boot again.
// - Shutdown/Reboot need kRunning, PowerOff any active state (running,
//   shutting down, paused, crashed): FailedPrecondition otherwise, with
//   libvirt's wording ("domain is not running"). Start on an active domain:
//   FailedPrecondition ("domain is already running").
// - Undefine powers off first. Every call naming an unknown domain: NotFound.
// - The serial console keeps the last 64 KiB of what the "guest" printed on
//   each lifecycle step, survives stop/start like a console log file, and is
//   deleted with the domain.
//
// Persistence (optional, OpenPersistent): every change is written to a JSON
// state file (write to a temporary file, then rename) and the file is read at
// start, so fake guests outlive a restart of the agent process as real guests
// outlive theirs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/hypervisor/driver.h"
#include "common/clock.h"

namespace gureum::agent {

struct FakeDriverOptions {
  HostCapabilities capabilities{.vcpus = 8,
                                .memory_mib = 16384,
                                .disk_gib = 200,
                                .hypervisor_type = "fake",
                                .virt_type = "fake"};
  // How long a guest takes to power off after Shutdown; negative = never.
  int64_t shutdown_delay_ms = 0;
  // The console keeps only its last this many bytes.
  int64_t console_limit_bytes = 64 * 1024;
  // How long (real time) Start holds a guest paused before it runs, saved
  // paused meanwhile: a process killed then leaves it paused, as an agent
  // killed between libvirt's paused start and its resume does.
  int64_t start_pause_ms = 0;
  // Each call fails with a lost connection with this probability (a Start
  // that fails so leaves its guest paused half of the time); drawn from a
  // generator seeded with fault_seed, for chaos runs.
  double connection_reset_rate = 0;
  uint64_t fault_seed = 1;
};

class FakeDriver final : public HypervisorDriver {
 public:
  // Memory only. `clock` must outlive the driver.
  explicit FakeDriver(const Clock& clock, FakeDriverOptions options = {});

  // Backed by `state_file`: loads the domains it holds (a missing file is an
  // empty host) and saves after every change. Errors if the file is unreadable.
  static absl::StatusOr<std::unique_ptr<FakeDriver>> OpenPersistent(const Clock& clock,
                                                                    FakeDriverOptions options,
                                                                    std::string state_file);

  absl::StatusOr<HostCapabilities> Capabilities() override;
  absl::Status Define(const DomainSpec& spec) override;
  absl::Status Start(const std::string& instance_id) override;
  absl::Status Shutdown(const std::string& instance_id) override;
  absl::Status PowerOff(const std::string& instance_id) override;
  absl::Status Reboot(const std::string& instance_id) override;
  absl::Status Undefine(const std::string& instance_id) override;
  absl::Status SetMetadata(const std::string& instance_id,
                           const std::map<std::string, std::string>& metadata) override;
  absl::StatusOr<DomainInfo> Info(const std::string& instance_id) override;
  absl::StatusOr<std::vector<DomainInfo>> List() override;
  absl::StatusOr<std::string> ConsoleOutput(const std::string& instance_id,
                                            int64_t max_bytes) override;

  // --- Fault injection and guest behaviour, for tests ---

  // The next Start (of any domain) fails with Internal(message) and leaves the
  // domain shut off, as when QEMU exits during start-up.
  void FailNextStart(std::string message);
  // The next Define fails with Internal(message) and defines nothing.
  void FailNextDefine(std::string message);
  // The next Start loses the connection after QEMU started paused: the guest
  // stays kPaused ("starting up") and Start returns Unavailable.
  void ResetConnectionDuringNextStart();
  // The next `calls` calls of any kind fail with Unavailable and change
  // nothing, as while the hypervisor daemon restarts.
  void DropConnection(int calls);
  // The next call of the method named `call` ("Shutdown", "Undefine", ...)
  // fails with Unavailable and changes nothing.
  void LoseConnectionOnNext(std::string call);
  // Changes the shutdown delay for requests made from now on.
  void SetShutdownDelay(int64_t delay_ms);
  // The guest powers itself off (`poweroff` inside): kShutoff, reason
  // "shutdown", exactly as if it had obeyed an ACPI request. NotFound;
  // FailedPrecondition if not running.
  absl::Status GuestShutdown(const std::string& instance_id);
  // Someone other than the agent pauses the guest (`virsh suspend`): kPaused,
  // reason "user". NotFound; FailedPrecondition if not running.
  absl::Status PauseByOperator(const std::string& instance_id);
  // The guest kernel panics; with libvirt's default on_crash=destroy the
  // domain ends kShutoff with reason "crashed". NotFound; FailedPrecondition
  // if not running.
  absl::Status GuestCrash(const std::string& instance_id);

  // --- Observation, for tests ---

  // How many times the guest was rebooted by Reboot. NotFound if absent.
  absl::StatusOr<int> RebootCount(const std::string& instance_id) const;
  // The spec the domain was defined with. NotFound if absent.
  absl::StatusOr<DomainSpec> SpecOf(const std::string& instance_id) const;

 private:
  struct Domain {
    DomainSpec spec;
    PowerState state = PowerState::kShutoff;
    std::string state_reason = "defined";
    int64_t boot_time_ms = 0;
    // When the guest obeys a pending Shutdown; nullopt if none or ignored.
    std::optional<int64_t> shutdown_due_ms;
    int reboots = 0;
    std::string console;
  };

  absl::Status Load();
  // Writes every domain to state_file_ (if any). Requires mutex_.
  void SaveLocked();
  // Lets time act: guests whose shutdown is due power off. Requires mutex_.
  void SettleLocked();
  absl::StatusOr<Domain*> FindLocked(const std::string& instance_id);
  // Unavailable if this call (named after its method) loses the connection
  // (injected). Requires mutex_.
  absl::Status ConnectionLocked(std::string_view call);
  // True with probability `rate`, from the seeded fault generator. Requires
  // mutex_.
  bool DrawFaultLocked(double rate);
  // The guest's vCPUs run: kRunning, boot messages. Requires mutex_.
  void RunLocked(Domain& domain);
  void ConsoleLocked(Domain& domain, std::string_view line);
  void BootMessagesLocked(Domain& domain);
  static DomainInfo InfoOf(const Domain& domain);
  static bool IsActive(PowerState state);

  const Clock& clock_;
  const FakeDriverOptions options_;
  std::string state_file_;  // empty = memory only; set before first use

  mutable std::mutex mutex_;
  std::map<std::string, Domain> domains_;        // guarded by mutex_
  std::optional<std::string> fail_next_start_;   // guarded by mutex_
  std::optional<std::string> fail_next_define_;  // guarded by mutex_
  int64_t shutdown_delay_ms_;                    // guarded by mutex_
  bool reset_during_next_start_ = false;         // guarded by mutex_
  int dropped_calls_ = 0;                        // guarded by mutex_
  std::set<std::string> lose_connection_on_;     // guarded by mutex_
  std::mt19937_64 fault_random_;                 // guarded by mutex_
};

}  // namespace gureum::agent
