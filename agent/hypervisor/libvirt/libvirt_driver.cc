#include "agent/hypervisor/libvirt/libvirt_driver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <future>
#include <utility>

#include <absl/strings/str_cat.h>
#include <spdlog/spdlog.h>

#include "agent/hypervisor/libvirt/libvirt_error.h"

namespace gureum::agent {
namespace {

[[maybe_unused]] const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& result) {
  return result.status();
}

absl::Status Errno(const std::string& what) {
  const int error = errno;
  const std::string message = what + ": " + std::strerror(error);
  if (error == ENOENT) return absl::NotFoundError(message);
  if (error == EACCES || error == EPERM) return absl::PermissionDeniedError(message);
  return absl::InternalError(message);
}

// The last max_bytes of a file; "" if it does not exist yet (a domain that
// never ran has no console log).
absl::StatusOr<std::string> ReadTail(const std::string& path, int64_t max_bytes) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::string();
    return Errno("open console log " + path);
  }
  struct stat st {};
  if (fstat(fd, &st) < 0) {
    absl::Status error = Errno("stat console log " + path);
    close(fd);
    return error;
  }
  const int64_t size = st.st_size;
  const int64_t start = size > max_bytes ? size - max_bytes : 0;
  std::string out(static_cast<size_t>(size - start), '\0');
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = pread(fd, out.data() + done, out.size() - done,
                            static_cast<off_t>(start + static_cast<int64_t>(done)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status error = Errno("read console log " + path);
      close(fd);
      return error;
    }
    if (n == 0) break;  // truncated meanwhile
    done += static_cast<size_t>(n);
  }
  close(fd);
  out.resize(done);
  return out;
}

absl::StatusOr<InstanceMetadata> ReadMetadata(const LibvirtGuest& guest) {
  absl::StatusOr<std::string> xml = guest.Metadata(kGureumXmlNamespace);
  if (!xml.ok()) return xml.status();
  return InstanceMetadata::Parse(*xml);
}

}  // namespace

template <typename Fn>
auto LibvirtDriver::RetryIfDisconnected(Fn fn) -> decltype(fn()) {
  auto result = fn();
  if (absl::IsUnavailable(StatusOf(result))) {
    spdlog::info("libvirt: call failed ({}); retrying once on a fresh connection",
                 std::string(StatusOf(result).message()));
    result = fn();
  }
  return result;
}

absl::StatusOr<std::unique_ptr<LibvirtDriver>> LibvirtDriver::Create(LibvirtDriverOptions options,
                                                                     const Clock* clock) {
  auto host = std::make_unique<LibvirtHost>(options.uri);
  absl::StatusOr<ConnectionRef> conn = host->Connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<VirtTypeChoice> virt_type = host->ChooseVirtType(options.virt_type);
  if (!virt_type.ok()) return virt_type.status();
  spdlog::info("libvirt: virt type {}: {}", virt_type->virt_type, virt_type->reason);
  return std::unique_ptr<LibvirtDriver>(
      new LibvirtDriver(std::move(options), clock, std::move(host), *std::move(virt_type)));
}

LibvirtDriver::LibvirtDriver(LibvirtDriverOptions options, const Clock* clock,
                             std::unique_ptr<LibvirtHost> host, VirtTypeChoice virt_type)
    : options_(std::move(options)),
      clock_(clock),
      host_(std::move(host)),
      virt_type_(std::move(virt_type)) {
  host_->SetGuestResetCallback([this](const std::string& domain_name) {
    if (std::optional<std::string> id = DomainXml::InstanceIdFromDomainName(domain_name)) {
      spdlog::info("libvirt: guest of {} reset (rebooted)", *id);
      ForgetReboot(*id);
    }
  });
}

LibvirtDriver::~LibvirtDriver() {
  host_->SetDomainEventCallback(nullptr);
  host_->SetGuestResetCallback(nullptr);
}

void LibvirtDriver::ForgetReboot(const std::string& instance_id) {
  std::lock_guard<std::mutex> lock(reboots_mu_);
  reboot_deadlines_ms_.erase(instance_id);
}

void LibvirtDriver::HardRebootOverdue() {
  std::vector<std::string> due;
  {
    std::lock_guard<std::mutex> lock(reboots_mu_);
    const int64_t now = clock_->NowMillis();
    for (auto it = reboot_deadlines_ms_.begin(); it != reboot_deadlines_ms_.end();) {
      if (it->second > now) {
        ++it;
        continue;
      }
      due.push_back(it->first);
      it = reboot_deadlines_ms_.erase(it);
    }
  }
  for (const std::string& id : due) {
    absl::StatusOr<Owned> owned = FindOwned(id);
    if (!owned.ok()) continue;  // gone meanwhile: nothing to reboot
    absl::StatusOr<bool> active = owned->guest.IsActive();
    if (!active.ok() || !*active) continue;
    spdlog::warn("libvirt: {} ignored the ACPI reboot for {} ms; hard reboot (reset)", id,
                 options_.reboot_timeout.count());
    // A reset, not power off + start: an agent killed between those two
    // would leave a shut-off guest that looks as if it had stopped itself.
    if (absl::Status s = owned->guest.Reset(); !s.ok()) {
      spdlog::error("libvirt: hard reboot of {}: reset failed: {}", id, s.ToString());
    }
  }
}

void LibvirtDriver::SetDomainChangedCallback(
    std::function<void(const std::string& instance_id)> callback) {
  if (!callback) {
    host_->SetDomainEventCallback(nullptr);
    return;
  }
  host_->SetDomainEventCallback([callback = std::move(callback)](const std::string& domain_name) {
    if (domain_name.empty()) {
      callback("");
    } else if (std::optional<std::string> id = DomainXml::InstanceIdFromDomainName(domain_name)) {
      callback(*id);
    }
  });
}

LibvirtNetwork& LibvirtDriver::Network(const std::string& name) {
  std::lock_guard<std::mutex> lock(networks_mu_);
  std::unique_ptr<LibvirtNetwork>& network = networks_[name];
  if (network == nullptr) network = std::make_unique<LibvirtNetwork>(host_.get(), name);
  return *network;
}

absl::StatusOr<LibvirtDriver::Owned> LibvirtDriver::FindOwned(const std::string& instance_id) {
  absl::StatusOr<ConnectionRef> conn = host_->Connection();
  if (!conn.ok()) return conn.status();
  const std::string name = DomainXml::DomainName(instance_id);
  absl::StatusOr<LibvirtGuest> guest = LibvirtGuest::LookupByName(conn->get(), name);
  if (absl::IsNotFound(guest.status())) {
    return absl::NotFoundError("instance " + instance_id + " has no domain on this host");
  }
  if (!guest.ok()) return guest.status();
  absl::StatusOr<InstanceMetadata> metadata = ReadMetadata(*guest);
  if (absl::IsNotFound(metadata.status())) {
    return absl::NotFoundError("domain " + name + " exists but is not Gureum's; leaving it alone");
  }
  if (!metadata.ok()) return metadata.status();
  if (metadata->instance_id != instance_id) {
    return absl::NotFoundError(absl::StrCat("domain ", name, " is marked for instance ",
                                            metadata->instance_id, "; leaving it alone"));
  }
  if (!IsOurs(*metadata)) {
    return absl::NotFoundError(absl::StrCat("domain ", name, " belongs to another agent (",
                                            metadata->owner, "); leaving it alone"));
  }
  return Owned{*std::move(conn), *std::move(guest), *std::move(metadata)};
}

bool LibvirtDriver::IsOurs(const InstanceMetadata& metadata) const {
  return options_.owner.empty() || metadata.owner.empty() || metadata.owner == options_.owner;
}

absl::StatusOr<DomainInfo> LibvirtDriver::Describe(const Owned& owned) {
  absl::StatusOr<GuestState> state = owned.guest.State();
  if (!state.ok()) return state.status();
  DomainInfo info;
  info.instance_id = owned.metadata.instance_id;
  info.state = state->power;
  info.state_reason = state->reason;
  info.metadata = owned.metadata.values;
  if (state->power != PowerState::kShutoff && state->power != PowerState::kCrashed) {
    info.boot_time_ms = owned.metadata.started_ms;
  }
  return info;
}

absl::Status LibvirtDriver::WriteMetadata(LibvirtGuest& guest, const InstanceMetadata& metadata) {
  return guest.SetMetadata(kGureumXmlPrefix, kGureumXmlNamespace, metadata.ToUnqualifiedXml());
}

absl::StatusOr<HostCapabilities> LibvirtDriver::Capabilities() {
  absl::StatusOr<NodeCapacity> node = RetryIfDisconnected([&] { return host_->Capacity(); });
  if (!node.ok()) return node.status();
  struct statvfs fs {};
  if (statvfs(options_.data_dir.c_str(), &fs) < 0) {
    return Errno("measure disk of data dir " + options_.data_dir);
  }
  HostCapabilities caps;
  caps.vcpus = node->cpus;
  caps.memory_mib = node->memory_mib;
  caps.disk_gib = static_cast<int64_t>(fs.f_blocks) * static_cast<int64_t>(fs.f_frsize) >> 30;
  caps.hypervisor_type = "libvirt";
  caps.virt_type = virt_type_.virt_type;
  return caps;
}

absl::Status LibvirtDriver::Define(const DomainSpec& spec) {
  if (absl::Status valid = DomainXml::Validate(spec); !valid.ok()) return valid;
  const DomainXmlOptions xml_options{virt_type_.virt_type, options_.default_network};
  const std::string network = DomainXml::NetworkFor(spec, xml_options);
  InstanceMetadata metadata = InstanceMetadata::FromSpec(spec, network);
  metadata.owner = options_.owner;
  absl::StatusOr<std::string> xml = DomainXml::Build(spec, metadata, xml_options);
  if (!xml.ok()) return xml.status();

  absl::StatusOr<ConnectionRef> conn = host_->Connection();
  if (!conn.ok()) return conn.status();
  std::lock_guard<std::mutex> lock(mu_);
  const std::string name = DomainXml::DomainName(spec.instance_id);
  absl::StatusOr<LibvirtGuest> existing = LibvirtGuest::LookupByName(conn->get(), name);
  if (existing.ok()) {
    return absl::AlreadyExistsError("instance " + spec.instance_id +
                                    " is already defined on this host (domain " + name + ")");
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();

  if (!network.empty()) {
    absl::Status active = Network(network).EnsureActive();
    if (absl::IsNotFound(active)) {
      return absl::FailedPreconditionError(
          "network " + network + " is not defined on this host: " + std::string(active.message()));
    }
    if (!active.ok()) return active;
  }
  absl::StatusOr<LibvirtGuest> guest = LibvirtGuest::Define(conn->get(), *xml);
  if (!guest.ok()) return guest.status();
  spdlog::info("libvirt: defined {} ({} vCPU, {} MiB, {})", name, spec.vcpus, spec.memory_mib,
               virt_type_.virt_type);
  return absl::OkStatus();
}

absl::Status LibvirtDriver::Start(const std::string& instance_id) {
  ForgetReboot(instance_id);
  absl::StatusOr<Owned> owned = FindOwned(instance_id);
  if (!owned.ok()) return owned.status();
  absl::StatusOr<GuestState> state = owned->guest.State();
  if (!state.ok()) return state.status();
  const absl::Status started = state->power == PowerState::kPaused
                                   ? FinishPausedStart(*owned, *state)
                                   : StartWithReservation(*owned);
  if (!started.ok()) return started;

  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<InstanceMetadata> metadata = ReadMetadata(owned->guest);
  absl::Status recorded = metadata.status();
  if (metadata.ok()) {
    metadata->started_ms = clock_->NowMillis();
    recorded = WriteMetadata(owned->guest, *metadata);
  }
  // The guest runs either way; only its reported boot time suffers.
  if (!recorded.ok()) {
    spdlog::warn("libvirt: started {} but could not record its boot time: {}", instance_id,
                 std::string(recorded.message()));
  }
  return absl::OkStatus();
}

absl::Status LibvirtDriver::StartWithReservation(Owned& owned) {
  const InstanceMetadata& metadata = owned.metadata;
  if (metadata.dhcp_ip.empty()) return owned.guest.Start();
  // The reservation must be in dnsmasq before the guest's first DHCP request.
  // Through virNetworkUpdate it takes ~0.5 s (libvirt rebuilds the network's
  // firewall), about as long as QEMU takes to start; as a hosts-directory
  // file, milliseconds. Either way QEMU starts with its vCPUs stopped while
  // the reservation is made (idempotent: a restart finds it in place), and
  // the guest runs only once both are done.
  std::future<absl::Status> reserved = std::async(std::launch::async, [&] {
    return Network(metadata.dhcp_network)
        .AddDhcpHost({metadata.dhcp_mac, metadata.dhcp_ip, metadata.instance_id});
  });
  const absl::Status started = owned.guest.StartPaused();
  const absl::Status reservation = reserved.get();
  // The reservation's refusal says more than the start it made fail.
  if (!started.ok()) return reservation.ok() ? started : reservation;
  const absl::Status resumed = reservation.ok() ? owned.guest.Resume() : reservation;
  if (!resumed.ok()) {
    // Started here, so powered off here: no guest runs without its address.
    if (absl::Status off = owned.guest.Destroy(); !off.ok()) {
      spdlog::error("libvirt: cannot power off {} after a failed start: {}", owned.guest.Name(),
                    std::string(off.message()));
    }
  }
  return resumed;
}

absl::Status LibvirtDriver::FinishPausedStart(Owned& owned, const GuestState& state) {
  spdlog::info("libvirt: {} is paused ({}); finishing its start", owned.guest.Name(), state.reason);
  const InstanceMetadata& metadata = owned.metadata;
  if (!metadata.dhcp_ip.empty()) {
    absl::Status reserved =
        Network(metadata.dhcp_network)
            .AddDhcpHost({metadata.dhcp_mac, metadata.dhcp_ip, metadata.instance_id});
    // Left paused: the next Start tries again; it never runs unreserved.
    if (!reserved.ok()) return reserved;
  }
  return owned.guest.Resume();
}

absl::Status LibvirtDriver::Shutdown(const std::string& instance_id) {
  ForgetReboot(instance_id);
  absl::StatusOr<Owned> owned = FindOwned(instance_id);
  if (!owned.ok()) return owned.status();
  return owned->guest.Shutdown();
}

absl::Status LibvirtDriver::PowerOff(const std::string& instance_id) {
  ForgetReboot(instance_id);
  absl::StatusOr<Owned> owned = FindOwned(instance_id);
  if (!owned.ok()) return owned.status();
  absl::StatusOr<bool> was_running = PowerOffIfRunning(owned->guest);
  if (!was_running.ok()) return was_running.status();
  if (!*was_running) {
    return absl::FailedPreconditionError("instance " + instance_id + " is not running");
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> LibvirtDriver::PowerOffIfRunning(LibvirtGuest& guest) {
  absl::StatusOr<bool> was_active = guest.IsActive();
  if (!was_active.ok() || !*was_active) return was_active;
  const absl::Status destroyed = guest.Destroy();
  if (!absl::IsFailedPrecondition(destroyed)) {
    if (!destroyed.ok()) return destroyed;
    return true;
  }
  // It was running and is not now: it stopped while the request waited, and
  // off is what was asked for. After a libvirtd restart this is the usual
  // case: the daemon re-attaches to each running QEMU in a job of its own, and
  // virDomainDestroy kills QEMU before it waits for that job; the re-attach
  // then loses its monitor and marks the domain shut off itself (reason
  // "daemon"), so the destroy finds it not running.
  absl::StatusOr<bool> active = guest.IsActive();
  if (!active.ok() || *active) return destroyed;
  spdlog::info("libvirt: {} stopped while it was being powered off ({})", guest.Name(),
               std::string(destroyed.message()));
  return true;
}

absl::Status LibvirtDriver::Reboot(const std::string& instance_id) {
  absl::StatusOr<Owned> owned = FindOwned(instance_id);
  if (!owned.ok()) return owned.status();
  {
    // Armed before the request: a quick guest may reset before it returns.
    std::lock_guard<std::mutex> lock(reboots_mu_);
    reboot_deadlines_ms_[instance_id] = clock_->NowMillis() + options_.reboot_timeout.count();
  }
  absl::Status requested = owned->guest.Reboot();
  if (!requested.ok()) ForgetReboot(instance_id);
  return requested;
}

absl::Status LibvirtDriver::Undefine(const std::string& instance_id) {
  ForgetReboot(instance_id);
  absl::StatusOr<Owned> owned = FindOwned(instance_id);
  if (!owned.ok()) return owned.status();
  if (absl::StatusOr<bool> off = PowerOffIfRunning(owned->guest); !off.ok()) {
    return off.status();
  }
  // The reservation goes before the domain: a failure here leaves the domain
  // (and the record of the reservation) for the retry.
  const InstanceMetadata& metadata = owned->metadata;
  if (!metadata.dhcp_ip.empty()) {
    absl::Status released = Network(metadata.dhcp_network).RemoveDhcpHost(metadata.dhcp_mac);
    if (!released.ok() && !absl::IsNotFound(released)) return released;
    // The guest is off and will never release its lease itself; until it
    // expires, dnsmasq would refuse the address to the next instance.
    absl::StatusOr<int> leases = Network(metadata.dhcp_network).ReleaseLeases(metadata.dhcp_mac);
    if (!leases.ok() && !absl::IsNotFound(leases.status())) {
      spdlog::warn("libvirt: cannot release the DHCP lease of {} ({}): {}", instance_id,
                   metadata.dhcp_mac, leases.status().ToString());
    }
  }
  if (absl::Status undefined = owned->guest.Undefine(); !undefined.ok()) return undefined;
  spdlog::info("libvirt: undefined {}", DomainXml::DomainName(instance_id));
  return absl::OkStatus();
}

absl::Status LibvirtDriver::SetMetadata(const std::string& instance_id,
                                        const std::map<std::string, std::string>& metadata) {
  absl::StatusOr<Owned> owned = FindOwned(instance_id);
  if (!owned.ok()) return owned.status();
  for (const auto& [key, value] : metadata) {
    if (key.empty()) return absl::InvalidArgumentError("metadata key is empty");
  }
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<InstanceMetadata> current = ReadMetadata(owned->guest);
  if (!current.ok()) return current.status();
  current->values = metadata;
  return WriteMetadata(owned->guest, *current);
}

absl::StatusOr<DomainInfo> LibvirtDriver::Info(const std::string& instance_id) {
  return RetryIfDisconnected([&]() -> absl::StatusOr<DomainInfo> {
    absl::StatusOr<Owned> owned = FindOwned(instance_id);
    if (!owned.ok()) return owned.status();
    return Describe(*owned);
  });
}

absl::StatusOr<std::vector<DomainInfo>> LibvirtDriver::List() {
  HardRebootOverdue();
  return RetryIfDisconnected([&]() -> absl::StatusOr<std::vector<DomainInfo>> {
    absl::StatusOr<ConnectionRef> conn = host_->Connection();
    if (!conn.ok()) return conn.status();
    virDomainPtr* domains = nullptr;
    const int count = virConnectListAllDomains(conn->get(), &domains, 0);
    if (count < 0) return LastLibvirtError("list domains");
    // Own every handle at once so that each is freed whatever happens below.
    std::vector<LibvirtGuest> guests;
    guests.reserve(count);
    for (int i = 0; i < count; ++i) guests.emplace_back(domains[i]);
    free(domains);

    std::vector<DomainInfo> result;
    for (LibvirtGuest& guest : guests) {
      const std::string name = guest.Name();
      std::optional<std::string> id = DomainXml::InstanceIdFromDomainName(name);
      if (!id) continue;  // not named like ours: not even its metadata is read
      absl::StatusOr<InstanceMetadata> metadata = ReadMetadata(guest);
      // NotFound: no Gureum mark, or the domain vanished since the listing.
      if (absl::IsNotFound(metadata.status())) continue;
      if (absl::IsUnavailable(metadata.status())) return metadata.status();
      if (!metadata.ok() || metadata->instance_id != *id) {
        spdlog::warn("libvirt: skipping domain {}: {}", name,
                     metadata.ok() ? "metadata names another instance"
                                   : std::string(metadata.status().message()));
        continue;
      }
      if (!IsOurs(*metadata)) continue;  // another agent's
      Owned owned{*conn, std::move(guest), *std::move(metadata)};
      absl::StatusOr<DomainInfo> info = Describe(owned);
      if (absl::IsNotFound(info.status())) continue;
      if (!info.ok()) return info.status();
      result.push_back(*std::move(info));
    }
    return result;
  });
}

absl::StatusOr<std::string> LibvirtDriver::ConsoleOutput(const std::string& instance_id,
                                                         int64_t max_bytes) {
  if (max_bytes <= 0) return absl::InvalidArgumentError("max_bytes must be positive");
  absl::StatusOr<Owned> owned = RetryIfDisconnected([&] { return FindOwned(instance_id); });
  if (!owned.ok()) return owned.status();
  if (owned->metadata.console_log_path.empty()) return std::string();
  return ReadTail(owned->metadata.console_log_path, max_bytes);
}

}  // namespace gureum::agent
