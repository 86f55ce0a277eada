#include "agent/images/disk_artifacts.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include <catch2/catch.hpp>

#include "agent/images/subprocess.h"
#include "common/clock.h"
#include "common/sha256.h"
#include "tests/unit/agent_images/in_memory_blob_source.h"
#include "tests/unit/agent_images/test_files.h"

namespace gureum::agent {
namespace {

using testing::InMemoryBlobSource;
using testing::ListDir;
using testing::PatternBytes;
using testing::ReadFile;
using testing::TempDir;
using namespace std::chrono_literals;

constexpr int64_t kGiB = int64_t{1} << 30;

// One host: a blob source, a cache and the artifacts, on a scratch directory.
// Restart() drops the cache and artifacts and builds new ones on the same
// directories, as an agent restart does.
struct Host {
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  std::unique_ptr<ImageCache> cache;
  std::unique_ptr<DiskArtifacts> artifacts;

  Host() { Restart(); }

  void Restart() {
    artifacts.reset();
    cache = std::make_unique<ImageCache>(ImageCacheOptions{.dir = dir / "images", .unused_ttl = 1h},
                                         &source, &clock);
    REQUIRE(cache->Open().ok());
    artifacts =
        std::make_unique<DiskArtifacts>(DiskArtifactsOptions{.instances_dir = dir / "instances"},
                                        cache.get(), OverlayDisk(), SeedBuilder());
  }

  std::string InstanceDir(const std::string& id) { return dir / "instances/" + id; }
};

// A desired instance booting from a small raw disk image served by `source`.
v1::DesiredInstance DiskInstance(InMemoryBlobSource& source, const std::string& id,
                                 const std::string& disk = PatternBytes(1 << 20)) {
  v1::DesiredInstance desired;
  desired.set_instance_id(id);
  desired.set_power(v1::DESIRED_RUNNING);
  v1::InstanceSpec* spec = desired.mutable_spec();
  spec->set_vcpus(2);
  spec->set_memory_mib(1024);
  spec->set_root_disk_gib(2);
  spec->set_hostname("web-" + id);
  spec->add_ssh_public_keys("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG alice");
  spec->set_user_data("#cloud-config\n");
  spec->set_mac_address("52:54:00:12:34:56");
  spec->set_private_ip_address("10.0.0.7");
  spec->set_network("gureum-net");
  v1::ImageRef* image = spec->mutable_image();
  image->set_image_id("ami-0123456789abcdef0");
  image->set_disk_sha256(source.Add(disk));
  image->set_disk_format("raw");
  image->set_disk_size_bytes(static_cast<int64_t>(disk.size()));
  return desired;
}

TEST_CASE("prepare builds the overlay, seed and domain spec for a disk image") {
  // This test verifies every DomainSpec field Prepare fills and the files
  // behind them: an overlay on the cached base at the requested size, and a
  // seed carrying the instance's meta-data.
  Host host;
  const v1::DesiredInstance desired = DiskInstance(host.source, "i-1");
  const std::string base_sha = desired.spec().image().disk_sha256();
  REQUIRE(host.artifacts->Recover().ok());

  absl::StatusOr<DomainSpec> spec = host.artifacts->Prepare(desired);
  REQUIRE(spec.ok());
  const std::string dir = host.InstanceDir("i-1");
  CHECK(spec->instance_id == "i-1");
  CHECK(spec->vcpus == 2);
  CHECK(spec->memory_mib == 1024);
  CHECK(spec->disk_path == dir + "/disk.qcow2");
  CHECK(spec->disk_format == "qcow2");
  CHECK(spec->kernel_path.empty());
  CHECK(spec->initrd_path.empty());
  CHECK(spec->seed_iso_path == dir + "/seed.iso");
  CHECK(spec->mac_address == "52:54:00:12:34:56");
  CHECK(spec->network == "gureum-net");
  CHECK(spec->console_log_path == dir + "/console.log");
  CHECK(spec->metadata.at("private_ip") == "10.0.0.7");
  CHECK(spec->metadata.at("image_id") == "ami-0123456789abcdef0");
  CHECK(spec->metadata.at("hostname") == "web-i-1");

  absl::StatusOr<DiskImageInfo> disk = OverlayDisk().Inspect(spec->disk_path, "qcow2");
  REQUIRE(disk.ok());
  CHECK(disk->backing_file == host.cache->PathOf(base_sha));
  CHECK(disk->backing_format == "raw");
  CHECK(disk->virtual_size == 2 * kGiB);

  absl::StatusOr<std::string> meta =
      RunProcessChecked({"isoinfo", "-R", "-i", spec->seed_iso_path, "-x", "/meta-data"});
  REQUIRE(meta.ok());
  CHECK(meta->find("instance-id: \"i-1\"\n") != std::string::npos);
  CHECK(meta->find("local-hostname: \"web-i-1\"\n") != std::string::npos);
  CHECK(meta->find("  - \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG alice\"\n") != std::string::npos);

  CHECK(host.cache->UsersOf(base_sha) == std::vector<std::string>{"i-1"});
  CHECK(ListDir(dir) == std::set<std::string>{"artifacts.json", "disk.qcow2", "seed.iso"});
}

TEST_CASE("prepare is idempotent and never replaces an existing overlay") {
  // This test verifies that preparing again returns the same spec without a
  // new download or a new overlay (it holds the guest's data), and rebuilds
  // the seed only when its content changed.
  Host host;
  v1::DesiredInstance desired = DiskInstance(host.source, "i-1");
  absl::StatusOr<DomainSpec> first = host.artifacts->Prepare(desired);
  REQUIRE(first.ok());
  struct stat disk_before {};
  struct stat seed_before {};
  REQUIRE(stat(first->disk_path.c_str(), &disk_before) == 0);
  REQUIRE(stat(first->seed_iso_path.c_str(), &seed_before) == 0);

  absl::StatusOr<DomainSpec> second = host.artifacts->Prepare(desired);
  REQUIRE(second.ok());
  CHECK(second->disk_path == first->disk_path);
  CHECK(second->seed_iso_path == first->seed_iso_path);
  CHECK(second->metadata == first->metadata);
  struct stat disk_after {};
  struct stat seed_after {};
  REQUIRE(stat(second->disk_path.c_str(), &disk_after) == 0);
  REQUIRE(stat(second->seed_iso_path.c_str(), &seed_after) == 0);
  CHECK(disk_after.st_ino == disk_before.st_ino);
  CHECK(seed_after.st_ino == seed_before.st_ino);
  CHECK(host.source.fetches() == 1);

  desired.mutable_spec()->set_user_data("#!/bin/sh\necho changed\n");
  REQUIRE(host.artifacts->Prepare(desired).ok());
  absl::StatusOr<std::string> user_data =
      RunProcessChecked({"isoinfo", "-R", "-i", second->seed_iso_path, "-x", "/user-data"});
  REQUIRE(user_data.ok());
  CHECK(*user_data == "#!/bin/sh\necho changed\n");
  REQUIRE(stat(second->disk_path.c_str(), &disk_after) == 0);
  CHECK(disk_after.st_ino == disk_before.st_ino);
}

TEST_CASE("a direct-boot image boots the cached kernel and ramdisk with its arguments") {
  // This test verifies that kernel and ramdisk blobs are fetched into the
  // cache and named in the spec with the image's kernel arguments.
  Host host;
  v1::DesiredInstance desired = DiskInstance(host.source, "i-2");
  v1::ImageRef* image = desired.mutable_spec()->mutable_image();
  const std::string kernel = PatternBytes(30'000, 7);
  const std::string ramdisk = PatternBytes(20'000, 8);
  image->set_kernel_sha256(host.source.Add(kernel));
  image->set_ramdisk_sha256(host.source.Add(ramdisk));
  image->set_kernel_args("console=ttyS0 root=/dev/vda");

  absl::StatusOr<DomainSpec> spec = host.artifacts->Prepare(desired);
  REQUIRE(spec.ok());
  CHECK(spec->kernel_path == host.cache->PathOf(image->kernel_sha256()));
  CHECK(spec->initrd_path == host.cache->PathOf(image->ramdisk_sha256()));
  CHECK(spec->kernel_args == "console=ttyS0 root=/dev/vda");
  CHECK(ReadFile(spec->kernel_path) == kernel);
  CHECK(ReadFile(spec->initrd_path) == ramdisk);
  CHECK(spec->disk_path == host.InstanceDir("i-2") + "/disk.qcow2");
  CHECK(host.cache->UsersOf(image->kernel_sha256()) == std::vector<std::string>{"i-2"});

  // A kernel-only image (initramfs root) needs no disk at all.
  v1::DesiredInstance diskless = desired;
  diskless.set_instance_id("i-3");
  diskless.mutable_spec()->mutable_image()->clear_disk_sha256();
  absl::StatusOr<DomainSpec> no_disk = host.artifacts->Prepare(diskless);
  REQUIRE(no_disk.ok());
  CHECK(no_disk->disk_path.empty());
  CHECK(no_disk->kernel_path == spec->kernel_path);
  CHECK_FALSE(std::filesystem::exists(host.InstanceDir("i-3") + "/disk.qcow2"));
}

TEST_CASE("prepare reports a corrupt image and keeps no blob of it") {
  // This test verifies that a disk whose bytes do not match its sha256 fails
  // Prepare with a message naming both digests, and nothing enters the cache.
  Host host;
  v1::DesiredInstance desired = DiskInstance(host.source, "i-1");
  const std::string sha = desired.spec().image().disk_sha256();
  const std::string tampered = PatternBytes(1 << 20, 99);
  host.source.Put(sha, tampered);

  absl::StatusOr<DomainSpec> spec = host.artifacts->Prepare(desired);
  REQUIRE(absl::IsDataLoss(spec.status()));
  CHECK(std::string(spec.status().message()) ==
        "image sha256 mismatch: expected " + sha + " got " + Sha256Hex(tampered));
  CHECK(ListDir(host.dir / "images").empty());
  CHECK_FALSE(std::filesystem::exists(host.InstanceDir("i-1") + "/disk.qcow2"));

  REQUIRE(host.artifacts->Release("i-1").ok());
  CHECK(ListDir(host.dir / "instances").empty());
}

TEST_CASE("prepare refuses unusable specs with clear errors") {
  // This test verifies validation of ids, digests, formats and sizes before
  // anything is fetched or written.
  Host host;
  const v1::DesiredInstance good = DiskInstance(host.source, "i-1");
  auto expect_invalid = [&](v1::DesiredInstance desired, const std::string& words) {
    absl::StatusOr<DomainSpec> spec = host.artifacts->Prepare(desired);
    CHECK(absl::IsInvalidArgument(spec.status()));
    CHECK(std::string(spec.status().message()).find(words) != std::string::npos);
  };
  v1::DesiredInstance bad = good;
  bad.set_instance_id("../etc");
  expect_invalid(bad, "invalid instance id");
  bad = good;
  bad.mutable_spec()->mutable_image()->set_disk_sha256("abc");
  expect_invalid(bad, "invalid disk sha256");
  bad = good;
  bad.mutable_spec()->mutable_image()->set_disk_format("vmdk");
  expect_invalid(bad, "want qcow2 or raw");
  bad = good;
  bad.mutable_spec()->mutable_image()->set_ramdisk_sha256(good.spec().image().disk_sha256());
  expect_invalid(bad, "ramdisk but no kernel");
  bad = good;
  bad.mutable_spec()->mutable_image()->clear_disk_sha256();
  expect_invalid(bad, "neither a disk nor a kernel");
  bad = good;
  bad.mutable_spec()->set_root_disk_gib(-1);
  expect_invalid(bad, "negative root disk size");

  CHECK(host.source.fetches() == 0);
  CHECK(ListDir(host.dir / "instances").empty());
  CHECK(absl::IsInvalidArgument(host.artifacts->Release("../etc")));
}

TEST_CASE("release deletes everything the instance had and the base goes after the TTL") {
  // This test verifies that Release leaves no instance files, that releasing
  // twice (or an unknown instance) succeeds, and that the base is collected
  // only once its TTL passes, leaving the host empty.
  Host host;
  const v1::DesiredInstance desired = DiskInstance(host.source, "i-1");
  const std::string sha = desired.spec().image().disk_sha256();
  REQUIRE(host.artifacts->Prepare(desired).ok());
  // The hypervisor writes the console log; it must go too.
  testing::WriteFile(host.InstanceDir("i-1") + "/console.log", "boot...\n");

  REQUIRE(host.artifacts->Release("i-1").ok());
  CHECK(ListDir(host.dir / "instances").empty());
  CHECK(host.cache->UsersOf(sha).empty());
  CHECK(host.artifacts->Release("i-1").ok());
  CHECK(host.artifacts->Release("i-never-seen").ok());

  host.clock.Advance(59min);
  CHECK(host.cache->CollectGarbage()->empty());
  host.clock.Advance(1min);
  CHECK(*host.cache->CollectGarbage() == std::vector<std::string>{sha});
  CHECK(ListDir(host.dir / "images").empty());
}

TEST_CASE("after an agent restart the bases of existing instances are never collected") {
  // This test verifies that Recover re-derives each blob's users from the
  // instance directories (overlay backing files and artifacts.json), so GC
  // after a restart keeps every base in use and frees the others.
  Host host;
  v1::DesiredInstance a = DiskInstance(host.source, "i-a", PatternBytes(1 << 20, 1));
  v1::DesiredInstance b = DiskInstance(host.source, "i-b", PatternBytes(1 << 20, 2));
  const std::string kernel_sha = host.source.Add(PatternBytes(10'000, 3));
  b.mutable_spec()->mutable_image()->set_kernel_sha256(kernel_sha);
  const std::string disk_a = a.spec().image().disk_sha256();
  const std::string disk_b = b.spec().image().disk_sha256();
  REQUIRE(host.artifacts->Prepare(a).ok());
  REQUIRE(host.artifacts->Prepare(b).ok());

  host.Restart();
  host.clock.Advance(48h);
  absl::StatusOr<std::vector<std::string>> found = host.artifacts->Recover();
  REQUIRE(found.ok());
  CHECK(*found == std::vector<std::string>{"i-a", "i-b"});
  CHECK(host.cache->UsersOf(disk_a) == std::vector<std::string>{"i-a"});
  CHECK(host.cache->UsersOf(disk_b) == std::vector<std::string>{"i-b"});
  CHECK(host.cache->UsersOf(kernel_sha) == std::vector<std::string>{"i-b"});
  host.clock.Advance(48h);
  CHECK(host.cache->CollectGarbage()->empty());

  // The overlay alone is enough to protect its base.
  std::filesystem::remove(host.InstanceDir("i-a") + "/artifacts.json");
  host.Restart();
  REQUIRE(host.artifacts->Recover().ok());
  CHECK(host.cache->UsersOf(disk_a) == std::vector<std::string>{"i-a"});

  // Preparing a recovered instance keeps its disk and downloads nothing.
  const int fetches = host.source.fetches();
  REQUIRE(host.artifacts->Prepare(b).ok());
  CHECK(host.source.fetches() == fetches);

  REQUIRE(host.artifacts->Release("i-b").ok());
  host.clock.Advance(1h);
  absl::StatusOr<std::vector<std::string>> removed = host.cache->CollectGarbage();
  REQUIRE(removed.ok());
  CHECK(std::set<std::string>(removed->begin(), removed->end()) ==
        std::set<std::string>{disk_b, kernel_sha});
  CHECK(ListDir(host.dir / "images") == std::set<std::string>{disk_a});
}

TEST_CASE("a qcow2 image is prepared with a qcow2 backing format") {
  // This test verifies the overlay's -F follows the image's declared format.
  Host host;
  TempDir scratch;
  REQUIRE(
      RunProcessChecked({"qemu-img", "create", "-q", "-f", "qcow2", scratch / "img.qcow2", "1G"})
          .ok());
  v1::DesiredInstance desired = DiskInstance(host.source, "i-q", ReadFile(scratch / "img.qcow2"));
  desired.mutable_spec()->mutable_image()->set_disk_format("qcow2");
  desired.mutable_spec()->set_root_disk_gib(0);
  desired.mutable_spec()->clear_network();

  absl::StatusOr<DomainSpec> spec = host.artifacts->Prepare(desired);
  REQUIRE(spec.ok());
  CHECK(spec->network == "default");
  absl::StatusOr<DiskImageInfo> disk = OverlayDisk().Inspect(spec->disk_path, "qcow2");
  REQUIRE(disk.ok());
  CHECK(disk->backing_format == "qcow2");
  CHECK(disk->virtual_size == kGiB);
}

}  // namespace
}  // namespace gureum::agent
