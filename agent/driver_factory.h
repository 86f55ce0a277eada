// Builds the hypervisor driver named by `--driver` together with the
// InstanceArtifacts that suit it (a driver and the files it needs go in
// pairs: the fake needs none, libvirt needs images, overlays and seeds).
// Pure wiring; not thread-safe (called once from main).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/security/credentials.h>

#include <absl/status/statusor.h>

#include "agent/hypervisor/driver.h"
#include "agent/sync/instance_artifacts.h"
#include "common/clock.h"

namespace gureum::agent {

struct DriverOptions {
  std::string name = "fake";  // --driver: fake | libvirt
  // Capacity the fake offers (--vcpus, --memory-mib, --disk-gib).
  int fake_vcpus = 8;
  int64_t fake_memory_mib = 16384;
  int64_t fake_disk_gib = 200;
  // If set, fake guests are kept in this JSON file across agent restarts.
  std::string fake_state_file;
  // Faults the fake injects, for chaos tests (FakeDriverOptions).
  int64_t fake_start_pause_ms = 0;
  double fake_connection_reset_rate = 0;
  uint64_t fake_fault_seed = 1;
  // Where drivers that need files keep them (--data-dir): libvirt keeps the
  // image cache in images/ and each instance's disk, seed and console log in
  // instances/<id>/.
  std::string data_dir = "/var/lib/gureum/agent";
  // libvirt: --libvirt-uri, --virt-type (auto | kvm | qemu), --network (the
  // libvirt network a NIC joins when the controller names none).
  std::string libvirt_uri = "qemu:///system";
  std::string virt_type = "auto";
  std::string network = "default";
  // libvirt: install the nftables guest firewall on the network's bridge
  // (agent/guest_firewall.h; --guest-firewall).
  bool guest_firewall = true;
  // libvirt: a cached image no instance used for this long is deleted
  // (--image-cache-ttl-s).
  std::chrono::seconds image_cache_ttl{86400};
  // libvirt: where image blobs are fetched from (the controller, --controller).
  std::string controller_address = "127.0.0.1:7070";
  std::shared_ptr<grpc::ChannelCredentials> controller_credentials;  // null = plaintext
  // Names the host in FetchBlob (used by a plaintext controller; over mTLS
  // the certificate does).
  std::string host_name;
  // libvirt: an ACPI reboot the guest has not carried out after this long
  // becomes a hard reboot (the agent passes --stop-timeout-s).
  std::chrono::milliseconds reboot_timeout{std::chrono::seconds(60)};
  // libvirt: bounds one image download (resumed up to 3 times if it breaks).
  std::chrono::milliseconds blob_fetch_deadline{std::chrono::minutes(30)};
};

struct AgentBackend {
  // What the driver and artifacts rely on (e.g. the image cache and its
  // collector). Declared first so it is destroyed after them.
  std::shared_ptr<void> support;
  std::unique_ptr<HypervisorDriver> driver;
  std::unique_ptr<InstanceArtifacts> artifacts;
  // Calls `nudge` (from the hypervisor's event thread; it must not block)
  // whenever a guest changes by itself, e.g. powers off; nullptr stops it.
  // A no-op for drivers without events.
  std::function<void(std::function<void()> nudge)> watch_guests;
  // Prepare may take long (image downloads): the sync should run it in the
  // background.
  bool slow_prepare = false;
  // The sha256s in the host's image cache (empty without a cache).
  std::function<std::vector<std::string>()> cached_blobs = [] {
    return std::vector<std::string>{};
  };
};

// InvalidArgument naming the known drivers if `options.name` is not one of
// them; the driver's own error if it cannot start. `clock` must outlive the
// result. For libvirt it also recovers what a previous run left: the image
// cache is indexed, instance directories are re-attached to their blobs, and
// those of instances with no domain are deleted.
absl::StatusOr<AgentBackend> MakeAgentBackend(const DriverOptions& options, const Clock& clock);

}  // namespace gureum::agent
