// Shared helpers for the controller unit tests: scratch directories, a
// recording HostNotifier, a minimal qcow2 header, StoreFixture (a temp-file
// Store) and CoreHarness (a CoreContext over a temp-file Store with a
// ManualClock, a seeded IdGenerator, an IpAllocator and an InstanceLauncher).
// Test-only; a harness is used by one test thread.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/id_generator.h"
#include "controller/core/core_context.h"
#include "controller/core/host_directory.h"
#include "controller/core/host_notifier.h"
#include "controller/core/instance_launcher.h"
#include "controller/core/ip_allocator.h"
#include "controller/store/store.h"

namespace gureum::controller::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/gureum-ctl-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// A minimal qcow2 (version 3) header, padded to 1 KiB: magic "QFI\xfb",
// version, backing file offset/size, cluster bits, virtual size (offset 24,
// big-endian), incompatible features (offset 72) and header length 104. With
// `data_file` set, an external data file header extension names that path.
inline std::string MinimalQcow2(uint64_t virtual_size, uint64_t backing_offset = 0,
                                uint64_t incompatible_features = 0,
                                const std::string& data_file = "") {
  std::string h(1024, '\0');
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) h[at + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  };
  auto put64 = [&](size_t at, uint64_t v) {
    for (int i = 0; i < 8; ++i) h[at + i] = static_cast<char>((v >> (56 - 8 * i)) & 0xff);
  };
  h.replace(0, 4, "QFI\xfb");
  put32(4, 3);
  put64(8, backing_offset);
  put32(16, backing_offset != 0 ? 10 : 0);
  put32(20, 16);
  put64(24, virtual_size);
  put64(72, incompatible_features);
  put32(96, 4);
  put32(100, 104);
  if (!data_file.empty()) {
    put32(104, 0x44415441);  // external data file name
    put32(108, static_cast<uint32_t>(data_file.size()));
    h.replace(112, data_file.size(), data_file);
  }
  if (backing_offset != 0) h.replace(backing_offset, 10, "/etc/hosts");
  return h;
}

// Records every HostChanged call, in order.
class RecordingNotifier final : public HostNotifier {
 public:
  void HostChanged(const std::string& host_id) override {
    std::lock_guard lock(mutex_);
    calls_.push_back(host_id);
  }
  std::vector<std::string> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::set<std::string> hosts() const {
    std::lock_guard lock(mutex_);
    return {calls_.begin(), calls_.end()};
  }
  void Clear() {
    std::lock_guard lock(mutex_);
    calls_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> calls_;  // guarded by mutex_
};

inline std::unique_ptr<Store> OpenStoreOrDie(const std::string& path) {
  auto store = Store::Open(path);
  if (!store.ok()) throw std::runtime_error("Store::Open: " + store.status().ToString());
  return std::move(*store);
}

// A host row as an agent would register it (used where HostDirectory is not
// the unit under test but a row is needed, e.g. repository tests).
inline HostRecord MakeHost(const std::string& host_id, const std::string& name,
                           const std::string& zone = "az-1") {
  HostRecord h;
  h.host_id = host_id;
  h.name = name;
  h.state = "up";
  h.hypervisor_type = "fake";
  h.virt_type = "fake";
  h.vcpus = 8;
  h.memory_mib = 16384;
  h.disk_gib = 200;
  h.availability_zone = zone;
  h.agent_version = "test";
  h.registered_at = 1000;
  h.last_heartbeat = 1000;
  return h;
}

// A fresh temp-file Store, with helpers to run repository code in one write
// transaction or read a value, throwing (so the test fails) on any error.
class StoreFixture {
 public:
  StoreFixture() : path_(dir_ / "gureum.db"), store_(OpenStoreOrDie(path_)) {}

  Store& store() { return *store_; }
  const std::string& path() const { return path_; }
  const TempDir& dir() const { return dir_; }

  template <typename Fn>
  void Run(Fn fn) {
    absl::Status status = store_->Write([&](Repositories& repos) {
      fn(repos);
      return absl::OkStatus();
    });
    if (!status.ok()) throw std::runtime_error("write failed: " + status.ToString());
  }

  // Like Run, for repository calls that write and return a value.
  template <typename T, typename Fn>
  T WriteValue(Fn fn) {
    auto result =
        store_->Write([&](Repositories& repos) -> absl::StatusOr<T> { return fn(repos); });
    if (!result.ok()) throw std::runtime_error("write failed: " + result.status().ToString());
    return *std::move(result);
  }

  template <typename T, typename Fn>
  T Get(Fn fn) {
    auto result = store_->Read([&](Repositories& repos) -> absl::StatusOr<T> { return fn(repos); });
    if (!result.ok()) throw std::runtime_error("read failed: " + result.status().ToString());
    return *std::move(result);
  }

 private:
  TempDir dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

inline IpAllocator IpAllocatorOrDie(const NetworkConfig& network) {
  auto ips = IpAllocator::Create(network);
  if (!ips.ok()) throw std::runtime_error("IpAllocator::Create: " + ips.status().ToString());
  return *std::move(ips);
}

// A core over a fresh database file, ready for flows, with the default
// scheduler, an IP allocator over `network` and a launcher using both.
class CoreHarness {
 public:
  explicit CoreHarness(const NetworkConfig& network = {})
      : store_(OpenStoreOrDie(dir_ / "gureum.db")),
        ids_(42),
        core_{*store_, clock_, ids_, notifier_, events_},
        ips_(IpAllocatorOrDie(network)),
        scheduler_(Scheduler::Default()),
        launcher_(core_, *scheduler_, ips_, quota_policy_, image_index_, host_records_) {}

  CoreContext& core() { return core_; }
  Store& store() { return *store_; }
  ManualClock& clock() { return clock_; }
  IdGenerator& ids() { return ids_; }
  RecordingNotifier& notifier() { return notifier_; }
  const TempDir& dir() const { return dir_; }
  const IpAllocator& ips() const { return ips_; }
  InstanceLauncher& launcher() { return launcher_; }
  HostImageIndex& image_index() { return image_index_; }
  HostRecordCache& host_records() { return host_records_; }

  RequestContext Ctx(const std::string& project = "default") const {
    RequestContext ctx;
    ctx.request_id = "req-test";
    ctx.actor = "tester";
    ctx.project_id = project;
    return ctx;
  }

  // Registers a host through HostDirectory (as an agent does) and returns its id.
  std::string AddHost(const std::string& name, int vcpus = 8, int64_t memory_mib = 16384,
                      int64_t disk_gib = 200, const std::string& zone = "az-1") {
    agent::v1::Register reg;
    reg.set_host_name(name);
    reg.set_vcpus(vcpus);
    reg.set_memory_mib(memory_mib);
    reg.set_disk_gib(disk_gib);
    reg.set_hypervisor_type("fake");
    reg.set_virt_type("fake");
    reg.set_agent_version("test");
    reg.set_availability_zone(zone);
    HostDirectory hosts(core_, image_index_, host_records_);
    auto host = hosts.Register(reg);
    if (!host.ok()) throw std::runtime_error("Register: " + host.status().ToString());
    return host->host_id;
  }

  // Inserts an available image row directly and returns its id.
  std::string AddImage(const std::string& name = "tiny", int64_t virtual_size_bytes = 1LL << 30,
                       const std::string& project = "default") {
    ImageRecord image;
    image.image_id = ids_.Next("ami");
    image.project_id = project;
    image.name = name;
    image.state = "available";
    image.disk_format = "qcow2";
    image.size_bytes = 4096;
    image.virtual_size_bytes = virtual_size_bytes;
    image.sha256 = std::string(64, 'a');
    image.kernel_sha256 = std::string(64, 'b');
    image.kernel_args = "console=ttyS0";
    image.created_at = clock_.NowMillis();
    Must(store_->Write([&](Repositories& repos) {
      repos.images.Insert(image);
      return absl::OkStatus();
    }));
    return image.image_id;
  }

  std::optional<InstanceRecord> Instance(const std::string& instance_id) {
    auto r =
        store_->Read([&](Repositories& repos) -> absl::StatusOr<std::optional<InstanceRecord>> {
          return repos.instances.Get(instance_id);
        });
    if (!r.ok()) throw std::runtime_error(r.status().ToString());
    return *r;
  }

  std::vector<std::string> AllInstanceIds() {
    auto r = store_->Read([&](Repositories& repos) -> absl::StatusOr<std::vector<std::string>> {
      InstanceQuery all;
      all.project_id = "";
      all.limit = 1'000'000;
      std::vector<std::string> ids;
      repos.instances.ForEachListed(
          all, [&](const ListedInstanceView& v) { ids.emplace_back(v.instance_id); },
          [](std::string_view, std::string_view, std::string_view) {});
      return ids;
    });
    if (!r.ok()) throw std::runtime_error(r.status().ToString());
    return *r;
  }

  int InstanceCount() { return static_cast<int>(AllInstanceIds().size()); }

  int64_t LastEvent() {
    auto r = store_->Read([&](Repositories& repos) -> absl::StatusOr<int64_t> {
      return repos.events.LastSequence();
    });
    if (!r.ok()) throw std::runtime_error(r.status().ToString());
    return *r;
  }

  std::vector<EventRecord> EventsOf(const std::string& resource_id) {
    auto r = store_->Read([&](Repositories& repos) -> absl::StatusOr<std::vector<EventRecord>> {
      return repos.events.ListAfter(0, resource_id, 1'000'000);
    });
    if (!r.ok()) throw std::runtime_error(r.status().ToString());
    return *r;
  }

  // Puts an instance straight into a state (test set-up, bypassing the
  // lifecycle) with the desired state that goes with it.
  void ForceState(const std::string& instance_id, const std::string& state,
                  const std::string& desired, const std::string& private_ip = "") {
    Must(store_->Write([&](Repositories& repos) {
      repos.instances.UpdateState(instance_id, state, "", "", clock_.NowMillis());
      repos.instances.UpdateDesired(instance_id, desired, false);
      if (!private_ip.empty()) repos.instances.SetPrivateIp(instance_id, private_ip);
      return absl::OkStatus();
    }));
  }

  static void Must(const absl::Status& status) {
    if (!status.ok()) throw std::runtime_error(status.ToString());
  }

 private:
  TempDir dir_;
  std::unique_ptr<Store> store_;
  ManualClock clock_;
  IdGenerator ids_;
  RecordingNotifier notifier_;
  EventBus events_;
  CoreContext core_;
  IpAllocator ips_;
  std::unique_ptr<Scheduler> scheduler_;
  QuotaPolicy quota_policy_;
  HostImageIndex image_index_;
  HostRecordCache host_records_;
  InstanceLauncher launcher_;
};

// A RunInstances request that passed validation (counts filled in).
inline v1::RunInstancesRequest RunRequest(const std::string& image_id,
                                          const std::string& instance_type = "g1.small",
                                          int min_count = 1, int max_count = 1) {
  v1::RunInstancesRequest request;
  request.set_image_id(image_id);
  request.set_instance_type(instance_type);
  request.set_min_count(min_count);
  request.set_max_count(max_count);
  return request;
}

}  // namespace gureum::controller::testing
