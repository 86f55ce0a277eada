#include "agent/driver_factory.h"

#include <set>
#include <utility>

#include <absl/strings/str_cat.h>
#include <spdlog/spdlog.h>

#include "agent/hypervisor/fake/fake_driver.h"
#include "agent/sync/no_artifacts.h"

#if defined(GUREUM_AGENT_HAVE_LIBVIRT) && defined(GUREUM_AGENT_HAVE_IMAGES) && \
    defined(GUREUM_AGENT_HAVE_SEED)
#define GUREUM_AGENT_HAVE_REAL_VMS 1
#include <sys/stat.h>

#include <filesystem>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "agent/guest_firewall.h"
#include "agent/hypervisor/libvirt/libvirt_driver.h"
#include "agent/images/disk_artifacts.h"
#include "agent/images/grpc_blob_source.h"
#include "agent/images/image_cache.h"
#include "agent/images/image_cache_collector.h"
#include "agent/images/overlay_disk.h"
#include "agent/seed/seed_builder.h"
#endif

namespace gureum::agent {
namespace {

absl::StatusOr<AgentBackend> MakeFake(const DriverOptions& options, const Clock& clock) {
  FakeDriverOptions fake;
  fake.capabilities.vcpus = options.fake_vcpus;
  fake.capabilities.memory_mib = options.fake_memory_mib;
  fake.capabilities.disk_gib = options.fake_disk_gib;
  fake.start_pause_ms = options.fake_start_pause_ms;
  fake.connection_reset_rate = options.fake_connection_reset_rate;
  fake.fault_seed = options.fake_fault_seed;
  AgentBackend backend;
  if (options.fake_state_file.empty()) {
    backend.driver = std::make_unique<FakeDriver>(clock, fake);
  } else {
    absl::StatusOr<std::unique_ptr<FakeDriver>> driver =
        FakeDriver::OpenPersistent(clock, fake, options.fake_state_file);
    if (!driver.ok()) return driver.status();
    backend.driver = std::move(*driver);
  }
  backend.artifacts = std::make_unique<NoArtifacts>();
  backend.watch_guests = [](std::function<void()>) {};
  return backend;
}

#ifdef GUREUM_AGENT_HAVE_REAL_VMS

// The image cache and what feeds and trims it. Members are destroyed in
// reverse order: the collector stops before the cache goes.
struct ImageSupport {
  std::unique_ptr<GrpcBlobSource> source;
  std::unique_ptr<ImageCache> cache;
  std::unique_ptr<ImageCacheCollector> collector;
};

// QEMU runs as libvirt-qemu under qemu:///system and must reach the disks,
// seeds and cached images: every directory on the way must be traversable.
absl::Status MakeDirectory(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", path, ": ", ec.message()));
  if (chmod(path.c_str(), 0755) != 0) {
    return absl::InternalError(absl::StrCat("cannot chmod 0755 ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<AgentBackend> MakeLibvirt(const DriverOptions& options, const Clock& clock) {
  std::error_code ec;
  const std::string data_dir =
      std::filesystem::absolute(options.data_dir, ec).lexically_normal().string();
  for (const std::string& dir : {data_dir, data_dir + "/images", data_dir + "/instances"}) {
    if (absl::Status s = MakeDirectory(dir); !s.ok()) return s;
  }

  LibvirtDriverOptions libvirt;
  libvirt.uri = options.libvirt_uri;
  libvirt.virt_type = options.virt_type;
  libvirt.default_network = options.network;
  libvirt.data_dir = data_dir;
  // One agent per data directory: other agents on this daemon (tests run
  // several) keep their hands off its domains and it off theirs.
  libvirt.owner = data_dir;
  libvirt.reboot_timeout = options.reboot_timeout;
  absl::StatusOr<std::unique_ptr<LibvirtDriver>> driver = LibvirtDriver::Create(libvirt, &clock);
  if (!driver.ok()) return driver.status();
  // Started now so that a missing network shows in the log at once; a
  // launch onto it fails with this reason too.
  if (absl::Status s = (*driver)->Network(options.network).EnsureActive(); !s.ok()) {
    spdlog::error("network {} is not usable: {}", options.network, s.ToString());
  } else if (options.guest_firewall) {
    auto network = (*driver)->Network(options.network).Config();
    absl::Status guarded =
        network.ok() ? GuestFirewall::Install(network->bridge) : network.status();
    if (guarded.ok()) {
      spdlog::info(
          "guest firewall: nftables table inet {} drops guests' traffic from {} to "
          "this host (DHCP and DNS excepted)",
          kGuestFirewallTable, network->bridge);
    } else {
      spdlog::error("guest firewall not installed; guests can reach this host's ports: {}",
                    guarded.ToString());
    }
  }

  auto support = std::make_shared<ImageSupport>();
  support->source = std::make_unique<GrpcBlobSource>(
      grpc::CreateChannel(options.controller_address, options.controller_credentials
                                                          ? options.controller_credentials
                                                          : grpc::InsecureChannelCredentials()),
      options.blob_fetch_deadline, options.host_name);
  ImageCacheOptions cache_options;
  cache_options.dir = data_dir + "/images";
  cache_options.unused_ttl = options.image_cache_ttl;
  support->cache = std::make_unique<ImageCache>(cache_options, support->source.get(), &clock);
  if (absl::Status s = support->cache->Open(); !s.ok()) return s;

  DiskArtifactsOptions artifact_options;
  artifact_options.instances_dir = data_dir + "/instances";
  artifact_options.default_network = options.network;
  auto artifacts = std::make_unique<DiskArtifacts>(artifact_options, support->cache.get(),
                                                   OverlayDisk(), SeedBuilder());
  absl::StatusOr<std::vector<std::string>> found = artifacts->Recover();
  if (!found.ok()) return found.status();
  // Files of an instance whose domain is gone (terminated while the agent was
  // down, or never defined) are garbage: a later launch prepares afresh.
  // Those with a domain stay; the sync removes domains nobody wants.
  absl::StatusOr<std::vector<DomainInfo>> domains = (*driver)->List();
  if (!domains.ok()) return domains.status();
  std::set<std::string> defined;
  for (const DomainInfo& d : *domains) defined.insert(d.instance_id);
  for (const std::string& id : *found) {
    if (defined.contains(id)) continue;
    spdlog::info("artifacts: {} has files but no domain; removing them", id);
    if (absl::Status s = artifacts->Release(id); !s.ok()) {
      spdlog::error("artifacts: cannot remove leftovers of {}: {}", id, s.ToString());
    }
  }
  spdlog::info("libvirt: {} Gureum domain(s) found on {}", defined.size(), options.libvirt_uri);
  support->collector = std::make_unique<ImageCacheCollector>(
      support->cache.get(), ImageCacheCollector::IntervalFor(options.image_cache_ttl));

  AgentBackend backend;
  LibvirtDriver* events = driver->get();
  backend.cached_blobs = [cache = support->cache.get()] { return cache->PresentBlobs(); };
  backend.support = std::move(support);
  backend.driver = std::move(*driver);
  backend.artifacts = std::move(artifacts);
  backend.watch_guests = [events](std::function<void()> nudge) {
    if (!nudge) {
      events->SetDomainChangedCallback(nullptr);
      return;
    }
    events->SetDomainChangedCallback(
        [nudge = std::move(nudge)](const std::string& /*instance_id*/) { nudge(); });
  };
  backend.slow_prepare = true;
  return backend;
}

#endif  // GUREUM_AGENT_HAVE_REAL_VMS

}  // namespace

absl::StatusOr<AgentBackend> MakeAgentBackend(const DriverOptions& options, const Clock& clock) {
  if (options.name == "fake") return MakeFake(options, clock);
#ifdef GUREUM_AGENT_HAVE_REAL_VMS
  if (options.name == "libvirt") return MakeLibvirt(options, clock);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown driver '", options.name, "' (this build knows: fake, libvirt)"));
#else
  return absl::InvalidArgumentError(absl::StrCat("unknown driver '", options.name,
                                                 "' (this build knows: fake; libvirt needs ",
                                                 "GUREUM_WITH_LIBVIRT=ON)"));
#endif
}

}  // namespace gureum::agent
