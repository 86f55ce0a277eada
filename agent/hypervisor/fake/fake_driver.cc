#include "agent/hypervisor/fake/fake_driver.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include <absl/strings/str_cat.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/durable_file.h"

namespace gureum::agent {
namespace {

using nlohmann::json;

// libvirt's wording, so logs read the same whichever driver runs.
constexpr const char* kNotRunning = "domain is not running";
constexpr const char* kAlreadyRunning = "domain is already running";
constexpr const char* kConnectionReset = "Cannot recv data: Connection reset by peer";

absl::Status NoSuchDomain(const std::string& instance_id) {
  return absl::NotFoundError(absl::StrCat("no domain with matching name '", instance_id, "'"));
}

std::string StateToString(PowerState state) { return PowerStateName(state); }

std::optional<PowerState> StateFromString(const std::string& name) {
  for (PowerState s : {PowerState::kRunning, PowerState::kShutoff, PowerState::kShuttingDown,
                       PowerState::kPaused, PowerState::kCrashed}) {
    if (name == PowerStateName(s)) return s;
  }
  return std::nullopt;
}

json SpecToJson(const DomainSpec& s) {
  return json{{"instance_id", s.instance_id},
              {"vcpus", s.vcpus},
              {"memory_mib", s.memory_mib},
              {"disk_path", s.disk_path},
              {"disk_format", s.disk_format},
              {"kernel_path", s.kernel_path},
              {"initrd_path", s.initrd_path},
              {"kernel_args", s.kernel_args},
              {"seed_iso_path", s.seed_iso_path},
              {"mac_address", s.mac_address},
              {"network", s.network},
              {"console_log_path", s.console_log_path},
              {"metadata", s.metadata}};
}

// Throws json exceptions on malformed input; the caller catches them.
DomainSpec SpecFromJson(const json& j) {
  DomainSpec s;
  s.instance_id = j.at("instance_id").get<std::string>();
  s.vcpus = j.at("vcpus").get<int>();
  s.memory_mib = j.at("memory_mib").get<int64_t>();
  s.disk_path = j.value("disk_path", "");
  s.disk_format = j.value("disk_format", "");
  s.kernel_path = j.value("kernel_path", "");
  s.initrd_path = j.value("initrd_path", "");
  s.kernel_args = j.value("kernel_args", "");
  s.seed_iso_path = j.value("seed_iso_path", "");
  s.mac_address = j.value("mac_address", "");
  s.network = j.value("network", "");
  s.console_log_path = j.value("console_log_path", "");
  s.metadata = j.value("metadata", std::map<std::string, std::string>{});
  return s;
}

}  // namespace

FakeDriver::FakeDriver(const Clock& clock, FakeDriverOptions options)
    : clock_(clock),
      options_(std::move(options)),
      shutdown_delay_ms_(options_.shutdown_delay_ms),
      fault_random_(options_.fault_seed) {}

absl::StatusOr<std::unique_ptr<FakeDriver>> FakeDriver::OpenPersistent(const Clock& clock,
                                                                       FakeDriverOptions options,
                                                                       std::string state_file) {
  if (state_file.empty()) return absl::InvalidArgumentError("fake driver: empty state file path");
  auto driver = std::make_unique<FakeDriver>(clock, std::move(options));
  driver->state_file_ = std::move(state_file);
  if (absl::Status s = driver->Load(); !s.ok()) return s;
  return driver;
}

absl::Status FakeDriver::Load() {
  std::error_code ec;
  if (!std::filesystem::exists(state_file_, ec)) return absl::OkStatus();
  std::ifstream in(state_file_);
  if (!in) return absl::UnavailableError(absl::StrCat("fake driver: cannot read ", state_file_));
  std::stringstream text;
  text << in.rdbuf();
  std::lock_guard lock(mutex_);
  try {
    json root = json::parse(text.str());
    for (const json& d : root.at("domains")) {
      Domain domain;
      domain.spec = SpecFromJson(d.at("spec"));
      std::optional<PowerState> state = StateFromString(d.at("state").get<std::string>());
      if (!state) throw std::runtime_error("unknown state " + d.at("state").get<std::string>());
      domain.state = *state;
      domain.state_reason = d.value("state_reason", "");
      domain.boot_time_ms = d.value("boot_time_ms", int64_t{0});
      if (d.contains("shutdown_due_ms") && !d.at("shutdown_due_ms").is_null()) {
        domain.shutdown_due_ms = d.at("shutdown_due_ms").get<int64_t>();
      }
      domain.reboots = d.value("reboots", 0);
      domain.console = d.value("console", "");
      std::string id = domain.spec.instance_id;
      domains_[id] = std::move(domain);
    }
  } catch (const std::exception& e) {
    return absl::DataLossError(
        absl::StrCat("fake driver: corrupt state file ", state_file_, ": ", e.what()));
  }
  spdlog::info("fake driver: loaded {} domain(s) from {}", domains_.size(), state_file_);
  return absl::OkStatus();
}

void FakeDriver::SaveLocked() {
  if (state_file_.empty()) return;
  json domains = json::array();
  for (const auto& [id, d] : domains_) {
    domains.push_back(
        json{{"spec", SpecToJson(d.spec)},
             {"state", StateToString(d.state)},
             {"state_reason", d.state_reason},
             {"boot_time_ms", d.boot_time_ms},
             {"shutdown_due_ms", d.shutdown_due_ms ? json(*d.shutdown_due_ms) : json(nullptr)},
             {"reboots", d.reboots},
             {"console", d.console}});
  }
  json root{{"version", 1}, {"domains", std::move(domains)}};
  // As a hypervisor keeps its guests: a crash leaves the old or the new file.
  if (absl::Status s = WriteFileAtomically(
          state_file_, root.dump(2, ' ', false, json::error_handler_t::replace));
      !s.ok()) {
    spdlog::error("fake driver: cannot save its guests: {}", s.ToString());
  }
}

bool FakeDriver::IsActive(PowerState state) { return state != PowerState::kShutoff; }

void FakeDriver::SettleLocked() {
  int64_t now = clock_.NowMillis();
  bool changed = false;
  for (auto& [id, d] : domains_) {
    if (d.state == PowerState::kShuttingDown && d.shutdown_due_ms && *d.shutdown_due_ms <= now) {
      ConsoleLocked(d, "[fake] reboot: Power down");
      d.state = PowerState::kShutoff;
      d.state_reason = "shutdown";
      d.boot_time_ms = 0;
      d.shutdown_due_ms.reset();
      changed = true;
    }
  }
  if (changed) SaveLocked();
}

absl::StatusOr<FakeDriver::Domain*> FakeDriver::FindLocked(const std::string& instance_id) {
  SettleLocked();
  auto it = domains_.find(instance_id);
  if (it == domains_.end()) return NoSuchDomain(instance_id);
  return &it->second;
}

absl::Status FakeDriver::ConnectionLocked(std::string_view call) {
  if (lose_connection_on_.erase(std::string(call)) > 0) {
    return absl::UnavailableError(kConnectionReset);
  }
  if (dropped_calls_ > 0) {
    --dropped_calls_;
    return absl::UnavailableError(kConnectionReset);
  }
  if (DrawFaultLocked(options_.connection_reset_rate)) {
    return absl::UnavailableError(kConnectionReset);
  }
  return absl::OkStatus();
}

bool FakeDriver::DrawFaultLocked(double rate) {
  return rate > 0 && std::uniform_real_distribution<double>(0, 1)(fault_random_) < rate;
}

void FakeDriver::RunLocked(Domain& d) {
  d.state = PowerState::kRunning;
  d.state_reason = "booted";
  d.boot_time_ms = clock_.NowMillis();
  d.shutdown_due_ms.reset();
  BootMessagesLocked(d);
  SaveLocked();
}

void FakeDriver::ConsoleLocked(Domain& domain, std::string_view line) {
  domain.console.append(line);
  domain.console.push_back('\n');
  auto limit = static_cast<size_t>(options_.console_limit_bytes);
  if (domain.console.size() > limit) domain.console.erase(0, domain.console.size() - limit);
}

void FakeDriver::BootMessagesLocked(Domain& domain) {
  const DomainSpec& s = domain.spec;
  ConsoleLocked(domain, absl::StrCat("[fake] booting ", s.instance_id, " with ", s.vcpus,
                                     " vCPU and ", s.memory_mib, " MiB"));
  ConsoleLocked(domain, "[fake] Linux version 6.1.0-fake (gureum fake hypervisor)");
  ConsoleLocked(domain, absl::StrCat("GUREUM-INSTANCE-ID=", s.instance_id));
  auto host = s.metadata.find("hostname");
  ConsoleLocked(
      domain,
      absl::StrCat("[fake] ", host != s.metadata.end() ? host->second : s.instance_id, " login: "));
}

DomainInfo FakeDriver::InfoOf(const Domain& domain) {
  DomainInfo info;
  info.instance_id = domain.spec.instance_id;
  info.state = domain.state;
  info.boot_time_ms = domain.boot_time_ms;
  info.state_reason = domain.state_reason;
  info.metadata = domain.spec.metadata;
  return info;
}

absl::StatusOr<HostCapabilities> FakeDriver::Capabilities() { return options_.capabilities; }

absl::Status FakeDriver::Define(const DomainSpec& spec) {
  if (spec.instance_id.empty() || spec.instance_id.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("invalid domain name '", spec.instance_id, "'"));
  }
  if (spec.vcpus < 1) {
    return absl::InvalidArgumentError(absl::StrCat("invalid vcpu count ", spec.vcpus));
  }
  if (spec.memory_mib < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid memory size ", spec.memory_mib, " MiB"));
  }
  std::lock_guard lock(mutex_);
  SettleLocked();
  if (absl::Status connection = ConnectionLocked("Define"); !connection.ok()) return connection;
  if (fail_next_define_) {
    std::string message = std::move(*fail_next_define_);
    fail_next_define_.reset();
    return absl::InternalError(message);
  }
  if (domains_.contains(spec.instance_id)) {
    return absl::AlreadyExistsError(absl::StrCat("domain '", spec.instance_id, "' already exists"));
  }
  Domain domain;
  domain.spec = spec;
  domains_.emplace(spec.instance_id, std::move(domain));
  SaveLocked();
  return absl::OkStatus();
}

absl::Status FakeDriver::Start(const std::string& instance_id) {
  std::unique_lock lock(mutex_);
  if (absl::Status connection = ConnectionLocked("Start"); !connection.ok()) return connection;
  auto found = FindLocked(instance_id);
  if (!found.ok()) return found.status();
  Domain& d = **found;
  if (d.state == PowerState::kPaused) {
    // An earlier Start stopped after its first step: finish it.
    RunLocked(d);
    return absl::OkStatus();
  }
  if (IsActive(d.state)) return absl::FailedPreconditionError(kAlreadyRunning);
  if (fail_next_start_) {
    std::string message = std::move(*fail_next_start_);
    fail_next_start_.reset();
    d.state_reason = "failed";
    SaveLocked();
    return absl::InternalError(message);
  }
  int64_t used = 0;
  for (const auto& [id, other] : domains_) {
    if (IsActive(other.state)) used += other.spec.memory_mib;
  }
  if (used + d.spec.memory_mib > options_.capabilities.memory_mib) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot allocate memory: ", d.spec.memory_mib, " MiB requested, ",
                     options_.capabilities.memory_mib - used, " MiB free of ",
                     options_.capabilities.memory_mib));
  }
  // Step one: QEMU is up with its vCPUs paused.
  d.state = PowerState::kPaused;
  d.state_reason = "starting up";
  d.shutdown_due_ms.reset();
  SaveLocked();
  const bool reset =
      reset_during_next_start_ || DrawFaultLocked(options_.connection_reset_rate / 2);
  reset_during_next_start_ = false;
  if (reset) return absl::UnavailableError(kConnectionReset);
  if (options_.start_pause_ms > 0) {
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.start_pause_ms));
    lock.lock();
    found = FindLocked(instance_id);
    if (!found.ok()) return found.status();
    // Powered off or undefined meanwhile: the start lost.
    if ((*found)->state != PowerState::kPaused) {
      return absl::FailedPreconditionError(kNotRunning);
    }
  }
  // Step two: the guest runs.
  RunLocked(**found);
  return absl::OkStatus();
}

absl::Status FakeDriver::Shutdown(const std::string& instance_id) {
  std::lock_guard lock(mutex_);
  if (absl::Status connection = ConnectionLocked("Shutdown"); !connection.ok()) return connection;
  auto found = FindLocked(instance_id);
  if (!found.ok()) return found.status();
  Domain& d = **found;
  if (d.state == PowerState::kShuttingDown) return absl::OkStatus();
  if (d.state != PowerState::kRunning) return absl::FailedPreconditionError(kNotRunning);
  ConsoleLocked(d, "[fake] ACPI: power button pressed");
  if (shutdown_delay_ms_ < 0) {
    // The guest ignores the button; the domain stays running, as with libvirt.
    SaveLocked();
    return absl::OkStatus();
  }
  d.state = PowerState::kShuttingDown;
  d.state_reason = "user";
  d.shutdown_due_ms = clock_.NowMillis() + shutdown_delay_ms_;
  SaveLocked();
  return absl::OkStatus();
}

absl::Status FakeDriver::PowerOff(const std::string& instance_id) {
  std::lock_guard lock(mutex_);
  if (absl::Status connection = ConnectionLocked("PowerOff"); !connection.ok()) return connection;
  auto found = FindLocked(instance_id);
  if (!found.ok()) return found.status();
  Domain& d = **found;
  if (!IsActive(d.state)) return absl::FailedPreconditionError(kNotRunning);
  d.state = PowerState::kShutoff;
  d.state_reason = "destroyed";
  d.boot_time_ms = 0;
  d.shutdown_due_ms.reset();
  SaveLocked();
  return absl::OkStatus();
}

absl::Status FakeDriver::Reboot(const std::string& instance_id) {
  std::lock_guard lock(mutex_);
  if (absl::Status connection = ConnectionLocked("Reboot"); !connection.ok()) return connection;
  auto found = FindLocked(instance_id);
  if (!found.ok()) return found.status();
  Domain& d = **found;
  if (d.state != PowerState::kRunning) return absl::FailedPreconditionError(kNotRunning);
  ConsoleLocked(d, "[fake] reboot: Restarting system");
  BootMessagesLocked(d);
  ++d.reboots;
  SaveLocked();
  return absl::OkStatus();
}

absl::Status FakeDriver::Undefine(const std::string& instance_id) {
  std::lock_guard lock(mutex_);
  if (absl::Status connection = ConnectionLocked("Undefine"); !connection.ok()) return connection;
  auto found = FindLocked(instance_id);
  if (!found.ok()) return found.status();
  domains_.erase(instance_id);
  SaveLocked();
  return absl::OkStatus();
}

absl::Status FakeDriver::SetMetadata(const std::string& instance_id,
                                     const std::map<std::string, std::string>& metadata) {
  std::lock_guard lock(mutex_);
  if (absl::Status connection = ConnectionLocked("SetMetadata"); !connection.ok())
    return connection;
  auto found = FindLocked(instance_id);
  if (!found.ok()) return found.status();
  (*found)->spec.metadata = metadata;
  SaveLocked();
  return absl::OkStatus();
}

absl::StatusOr<DomainInfo> FakeDriver::Info(const std::string& instance_id) {
  std::lock_guard lock(mutex_);
  if (absl::Status connection = ConnectionLocked("Info"); !connection.ok()) return connection;
  auto found = FindLocked(instance_id);
  if (!found.ok()) return found.status();
  return InfoOf(**found);
}

absl::StatusOr<std::vector<DomainInfo>> FakeDriver::List() {
  std::lock_guard lock(mutex_);
  if (absl::Status connection = ConnectionLocked("List"); !connection.ok()) return connection;
  SettleLocked();
  std::vector<DomainInfo> out;
  out.reserve(domains_.size());
  for (const auto& [id, d] : domains_) out.push_back(InfoOf(d));
  return out;
}

absl::StatusOr<std::string> FakeDriver::ConsoleOutput(const std::string& instance_id,
                                                      int64_t max_bytes) {
  if (max_bytes <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("invalid console size ", max_bytes));
  }
  std::lock_guard lock(mutex_);
  auto found = FindLocked(instance_id);
  if (!found.ok()) return found.status();
  const std::string& console = (*found)->console;
  auto n = std::min(console.size(), static_cast<size_t>(max_bytes));
  return console.substr(console.size() - n);
}

void FakeDriver::FailNextStart(std::string message) {
  std::lock_guard lock(mutex_);
  fail_next_start_ = std::move(message);
}

void FakeDriver::ResetConnectionDuringNextStart() {
  std::lock_guard lock(mutex_);
  reset_during_next_start_ = true;
}

void FakeDriver::LoseConnectionOnNext(std::string call) {
  std::lock_guard lock(mutex_);
  lose_connection_on_.insert(std::move(call));
}

void FakeDriver::DropConnection(int calls) {
  std::lock_guard lock(mutex_);
  dropped_calls_ = calls;
}

void FakeDriver::FailNextDefine(std::string message) {
  std::lock_guard lock(mutex_);
  fail_next_define_ = std::move(message);
}

void FakeDriver::SetShutdownDelay(int64_t delay_ms) {
  std::lock_guard lock(mutex_);
  shutdown_delay_ms_ = delay_ms;
}

absl::Status FakeDriver::GuestShutdown(const std::string& instance_id) {
  std::lock_guard lock(mutex_);
  auto found = FindLocked(instance_id);
  if (!found.ok()) return found.status();
  Domain& d = **found;
  if (d.state != PowerState::kRunning) return absl::FailedPreconditionError(kNotRunning);
  ConsoleLocked(d, "[fake] systemd-shutdown: powering off (requested inside the guest)");
  ConsoleLocked(d, "[fake] reboot: Power down");
  d.state = PowerState::kShutoff;
  d.state_reason = "shutdown";
  d.boot_time_ms = 0;
  SaveLocked();
  return absl::OkStatus();
}

absl::Status FakeDriver::PauseByOperator(const std::string& instance_id) {
  std::lock_guard lock(mutex_);
  auto found = FindLocked(instance_id);
  if (!found.ok()) return found.status();
  Domain& d = **found;
  if (d.state != PowerState::kRunning) return absl::FailedPreconditionError(kNotRunning);
  d.state = PowerState::kPaused;
  d.state_reason = "user";
  SaveLocked();
  return absl::OkStatus();
}

absl::Status FakeDriver::GuestCrash(const std::string& instance_id) {
  std::lock_guard lock(mutex_);
  auto found = FindLocked(instance_id);
  if (!found.ok()) return found.status();
  Domain& d = **found;
  if (d.state != PowerState::kRunning) return absl::FailedPreconditionError(kNotRunning);
  ConsoleLocked(d, "[fake] Kernel panic - not syncing: Fatal exception (injected)");
  d.state = PowerState::kShutoff;
  d.state_reason = "crashed";
  d.boot_time_ms = 0;
  SaveLocked();
  return absl::OkStatus();
}

absl::StatusOr<int> FakeDriver::RebootCount(const std::string& instance_id) const {
  std::lock_guard lock(mutex_);
  auto it = domains_.find(instance_id);
  if (it == domains_.end()) return NoSuchDomain(instance_id);
  return it->second.reboots;
}

absl::StatusOr<DomainSpec> FakeDriver::SpecOf(const std::string& instance_id) const {
  std::lock_guard lock(mutex_);
  auto it = domains_.find(instance_id);
  if (it == domains_.end()) return NoSuchDomain(instance_id);
  return it->second.spec;
}

}  // namespace gureum::agent
