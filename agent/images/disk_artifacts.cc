#include "agent/images/disk_artifacts.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include <absl/strings/str_cat.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/durable_file.h"
#include "common/sha256.h"

namespace gureum::agent {
namespace {

namespace fs = std::filesystem;

constexpr char kDiskFile[] = "disk.qcow2";
constexpr char kSeedFile[] = "seed.iso";
constexpr char kConsoleFile[] = "console.log";
constexpr char kManifestFile[] = "artifacts.json";

// Instance ids become directory names: only a plain, non-hidden name will do.
bool IsSafeInstanceId(const std::string& id) {
  if (id.empty() || id.size() > 128 || id[0] == '.') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

// What Prepare recorded about an instance (artifacts.json).
struct Manifest {
  std::set<std::string> blobs;
  std::string seed_sha256;
};

Manifest ReadManifest(const std::string& dir) {
  Manifest manifest;
  std::ifstream in(dir + "/" + kManifestFile);
  if (!in) return manifest;
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) {
    spdlog::warn("artifacts: ignoring unreadable {}/{}", dir, kManifestFile);
    return manifest;
  }
  if (json.contains("blobs") && json["blobs"].is_array()) {
    for (const nlohmann::json& blob : json["blobs"]) {
      if (blob.is_string() && ImageCache::IsValidSha256(blob.get<std::string>())) {
        manifest.blobs.insert(blob.get<std::string>());
      }
    }
  }
  manifest.seed_sha256 = json.value("seed_sha256", "");
  return manifest;
}

// Written to a temporary file and renamed, so a crash leaves the old or the
// new manifest, never half of one.
absl::Status WriteManifest(const std::string& dir, const Manifest& manifest) {
  nlohmann::json json = {{"blobs", manifest.blobs}, {"seed_sha256", manifest.seed_sha256}};
  return WriteFileAtomically(dir + "/" + kManifestFile, json.dump(2) + "\n");
}

// Distinguishes "absent" from "cannot tell" (which must not be taken for absent).
absl::StatusOr<bool> PathExists(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  return absl::InternalError(absl::StrCat("stat ", path, ": ", std::strerror(errno)));
}

absl::Status CheckSha(const std::string& what, const std::string& sha256) {
  if (ImageCache::IsValidSha256(sha256)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid ", what, " sha256 \"", sha256, "\": want 64 lowercase hex digits"));
}

}  // namespace

DiskArtifacts::InstanceGuard::InstanceGuard(DiskArtifacts* owner, std::string instance_id)
    : owner_(owner), instance_id_(std::move(instance_id)) {
  std::unique_lock<std::mutex> lock(owner_->mutex_);
  owner_->idle_.wait(lock, [&] { return owner_->busy_.count(instance_id_) == 0; });
  owner_->busy_.insert(instance_id_);
}

DiskArtifacts::InstanceGuard::~InstanceGuard() {
  {
    std::lock_guard<std::mutex> lock(owner_->mutex_);
    owner_->busy_.erase(instance_id_);
  }
  owner_->idle_.notify_all();
}

DiskArtifacts::DiskArtifacts(DiskArtifactsOptions options, ImageCache* cache, OverlayDisk overlay,
                             SeedBuilder seed)
    : options_(std::move(options)),
      cache_(cache),
      overlay_(std::move(overlay)),
      seed_(std::move(seed)) {
  std::error_code ec;
  options_.instances_dir = fs::absolute(options_.instances_dir, ec).lexically_normal().string();
  while (options_.instances_dir.size() > 1 && options_.instances_dir.back() == '/') {
    options_.instances_dir.pop_back();
  }
}

std::string DiskArtifacts::InstanceDir(const std::string& instance_id) const {
  return absl::StrCat(options_.instances_dir, "/", instance_id);
}

void DiskArtifacts::Pin(const std::string& instance_id, const std::set<std::string>& blobs) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    uses_[instance_id].insert(blobs.begin(), blobs.end());
  }
  for (const std::string& blob : blobs) cache_->Use(blob, instance_id);
}

absl::StatusOr<std::vector<std::string>> DiskArtifacts::Recover() {
  std::error_code ec;
  fs::create_directories(options_.instances_dir, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create instances dir ", options_.instances_dir, ": ", ec.message()));
  }
  std::vector<std::string> found;
  // Iterated with error codes: directory_iterator's ++ would otherwise throw.
  for (fs::directory_iterator it(options_.instances_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    const std::string id = entry.path().filename().string();
    std::error_code type_ec;
    if (!entry.is_directory(type_ec) || !IsSafeInstanceId(id)) continue;
    InstanceGuard guard(this, id);
    const std::string dir = InstanceDir(id);
    std::set<std::string> blobs = ReadManifest(dir).blobs;
    // The overlay's backing file is the ground truth for the disk: deleting it
    // would destroy the instance's root disk, manifest or not.
    const std::string disk = dir + "/" + kDiskFile;
    if (fs::exists(disk, type_ec)) {
      absl::StatusOr<DiskImageInfo> info = overlay_.Inspect(disk, "qcow2");
      if (!info.ok()) {
        spdlog::warn("artifacts: cannot inspect {}: {}", disk, info.status().ToString());
      } else {
        const std::string base = fs::path(info->backing_file).filename().string();
        if (ImageCache::IsValidSha256(base)) {
          blobs.insert(base);
        } else if (!info->backing_file.empty()) {
          spdlog::warn("artifacts: {} is backed by {}, which is not a cached blob", disk,
                       info->backing_file);
        }
      }
    }
    Pin(id, blobs);
    found.push_back(id);
  }
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot list instances dir ", options_.instances_dir, ": ", ec.message()));
  }
  std::sort(found.begin(), found.end());
  spdlog::info("artifacts: recovered {} instance directories", found.size());
  return found;
}

absl::StatusOr<DomainSpec> DiskArtifacts::Prepare(const v1::DesiredInstance& desired) {
  const std::string& id = desired.instance_id();
  if (!IsSafeInstanceId(id)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid instance id \"", id, "\""));
  }
  const v1::InstanceSpec& spec = desired.spec();
  const v1::ImageRef& image = spec.image();
  const bool has_disk = !image.disk_sha256().empty();
  const bool direct_boot = !image.kernel_sha256().empty();
  if (!has_disk && !direct_boot) {
    return absl::InvalidArgumentError(
        absl::StrCat("image ", image.image_id(), " has neither a disk nor a kernel"));
  }
  if (!image.ramdisk_sha256().empty() && !direct_boot) {
    return absl::InvalidArgumentError(
        absl::StrCat("image ", image.image_id(), " has a ramdisk but no kernel"));
  }
  std::set<std::string> blobs;
  if (has_disk) {
    if (absl::Status s = CheckSha("disk", image.disk_sha256()); !s.ok()) return s;
    if (image.disk_format() != "qcow2" && image.disk_format() != "raw") {
      return absl::InvalidArgumentError(absl::StrCat("image ", image.image_id(),
                                                     " has disk format \"", image.disk_format(),
                                                     "\": want qcow2 or raw"));
    }
    blobs.insert(image.disk_sha256());
  }
  if (direct_boot) {
    if (absl::Status s = CheckSha("kernel", image.kernel_sha256()); !s.ok()) return s;
    blobs.insert(image.kernel_sha256());
  }
  if (!image.ramdisk_sha256().empty()) {
    if (absl::Status s = CheckSha("ramdisk", image.ramdisk_sha256()); !s.ok()) return s;
    blobs.insert(image.ramdisk_sha256());
  }
  if (spec.root_disk_gib() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("negative root disk size ", spec.root_disk_gib(), " GiB"));
  }

  InstanceGuard guard(this, id);
  const std::string dir = InstanceDir(id);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));

  // Pin before downloading so garbage collection cannot take a blob between
  // its download and its use, and record the pin on disk for a restart.
  Pin(id, blobs);
  Manifest manifest = ReadManifest(dir);
  if (!std::includes(manifest.blobs.begin(), manifest.blobs.end(), blobs.begin(), blobs.end())) {
    manifest.blobs.insert(blobs.begin(), blobs.end());
    if (absl::Status s = WriteManifest(dir, manifest); !s.ok()) return s;
  }

  DomainSpec domain;
  domain.instance_id = id;
  domain.vcpus = spec.vcpus();
  domain.memory_mib = spec.memory_mib();

  if (has_disk) {
    const int64_t expected_size =
        image.disk_size_bytes() > 0 ? image.disk_size_bytes() : ImageCache::kUnknownSize;
    absl::StatusOr<std::string> base = cache_->Acquire(image.disk_sha256(), expected_size);
    if (!base.ok()) return base.status();
    const std::string disk = dir + "/" + kDiskFile;
    // An existing overlay is the guest's disk: never replace it. It is only
    // ever created under a temporary name and linked into place when complete
    // (link, unlike rename, fails rather than replace an existing disk).
    absl::StatusOr<bool> exists = PathExists(disk);
    if (!exists.ok()) return exists.status();
    if (!*exists) {
      const std::string temp = disk + ".tmp";
      fs::remove(temp, ec);
      absl::Status created =
          overlay_.Create(*base, image.disk_format(), temp, spec.root_disk_gib());
      if (!created.ok()) return created;
      if (link(temp.c_str(), disk.c_str()) != 0 && errno != EEXIST) {
        const int err = errno;
        fs::remove(temp, ec);
        return absl::InternalError(
            absl::StrCat("cannot move ", temp, " into place: ", std::strerror(err)));
      }
      fs::remove(temp, ec);
    }
    domain.disk_path = disk;
    domain.disk_format = "qcow2";
  }
  if (direct_boot) {
    absl::StatusOr<std::string> kernel = cache_->Acquire(image.kernel_sha256());
    if (!kernel.ok()) return kernel.status();
    domain.kernel_path = *kernel;
    if (!image.ramdisk_sha256().empty()) {
      absl::StatusOr<std::string> ramdisk = cache_->Acquire(image.ramdisk_sha256());
      if (!ramdisk.ok()) return ramdisk.status();
      domain.initrd_path = *ramdisk;
    }
    domain.kernel_args = image.kernel_args();
  }

  SeedData seed;
  seed.instance_id = id;
  seed.hostname = spec.hostname().empty() ? id : spec.hostname();
  seed.ssh_public_keys.assign(spec.ssh_public_keys().begin(), spec.ssh_public_keys().end());
  seed.user_data = spec.user_data();
  absl::StatusOr<std::string> meta_data = SeedBuilder::MetaData(seed);
  if (!meta_data.ok()) return meta_data.status();
  // meta-data has no NUL (YAML escapes it), so this fingerprint is unambiguous.
  const std::string fingerprint = Sha256Hex(*meta_data + '\0' + seed.user_data);
  const std::string seed_path = dir + "/" + kSeedFile;
  if (manifest.seed_sha256 != fingerprint || !fs::exists(seed_path, ec)) {
    if (absl::Status s = seed_.Build(seed, seed_path); !s.ok()) return s;
    manifest.seed_sha256 = fingerprint;
    if (absl::Status s = WriteManifest(dir, manifest); !s.ok()) return s;
  }
  domain.seed_iso_path = seed_path;

  domain.mac_address = spec.mac_address();
  domain.network = spec.network().empty() ? options_.default_network : spec.network();
  domain.console_log_path = dir + "/" + kConsoleFile;
  if (!spec.private_ip_address().empty()) {
    domain.metadata["private_ip"] = spec.private_ip_address();
  }
  // Like NoArtifacts: facts a restarted agent and the console can read back.
  domain.metadata["hostname"] = seed.hostname;
  if (!image.image_id().empty()) domain.metadata["image_id"] = image.image_id();
  return domain;
}

absl::Status DiskArtifacts::Release(const std::string& instance_id) {
  if (!IsSafeInstanceId(instance_id)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid instance id \"", instance_id, "\""));
  }
  InstanceGuard guard(this, instance_id);
  const std::string dir = InstanceDir(instance_id);
  std::set<std::string> blobs = ReadManifest(dir).blobs;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto uses = uses_.find(instance_id);
    if (uses != uses_.end()) blobs.insert(uses->second.begin(), uses->second.end());
  }
  // Files first: if they cannot be deleted the blobs stay pinned, because a
  // surviving overlay still needs its base.
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot delete ", dir, ": ", ec.message()));
  for (const std::string& blob : blobs) cache_->Unuse(blob, instance_id);
  std::lock_guard<std::mutex> lock(mutex_);
  uses_.erase(instance_id);
  return absl::OkStatus();
}

}  // namespace gureum::agent
