// DiskArtifacts: the InstanceArtifacts of real VMs. For each instance it pins
// and fetches the image's blobs into the host ImageCache, makes a qcow2
// overlay on the cached disk, writes a cloud-init seed, and keeps it all in
// `<instances_dir>/<instance_id>/`:
//
//   disk.qcow2      root disk (overlay on `<cache>/<disk sha256>`)
//   seed.iso        cloud-init NoCloud seed (label cidata)
//   console.log     serial console, written by the hypervisor
//   artifacts.json  which blobs the instance uses, and the seed's fingerprint
//
// A direct-boot image (ImageRef with kernel_sha256, optionally ramdisk_sha256)
// boots the cached kernel/ramdisk with the image's kernel_args; its disk is
// optional.
//
// Thread-safe: calls for different instances run in parallel (a download
// does not hold up other instances); calls for the same instance are serialized.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "agent/hypervisor/driver.h"
#include "agent/images/image_cache.h"
#include "agent/images/overlay_disk.h"
#include "agent/seed/seed_builder.h"
#include "agent/sync/instance_artifacts.h"

namespace gureum::agent {

struct DiskArtifactsOptions {
  std::string instances_dir;  // created if missing
  // Used when the desired instance names no network.
  std::string default_network = "default";
};

class DiskArtifacts final : public InstanceArtifacts {
 public:
  // `cache` is not owned, must be Open()ed and must outlive this object.
  DiskArtifacts(DiskArtifactsOptions options, ImageCache* cache, OverlayDisk overlay,
                SeedBuilder seed);

  // After an agent restart: finds the instance directories present and tells
  // the cache which blobs they use (from artifacts.json and from each
  // overlay's backing file), so garbage collection never deletes a base in
  // use. Call once after ImageCache::Open and before the first
  // CollectGarbage. Returns the instance ids found (sorted), so the caller can Release
  // those no longer wanted.
  absl::StatusOr<std::vector<std::string>> Recover();

  // Idempotent: an existing overlay is kept as it is (it holds the guest's
  // data), the seed is rebuilt only when its content changed.
  absl::StatusOr<DomainSpec> Prepare(const v1::DesiredInstance& desired) override;

  // Deletes the instance directory, then releases its blobs to the cache's TTL.
  absl::Status Release(const std::string& instance_id) override;

  std::string InstanceDir(const std::string& instance_id) const;

 private:
  // Serializes the calls for one instance while others proceed.
  class InstanceGuard {
   public:
    InstanceGuard(DiskArtifacts* owner, std::string instance_id);
    ~InstanceGuard();
    InstanceGuard(const InstanceGuard&) = delete;
    InstanceGuard& operator=(const InstanceGuard&) = delete;

   private:
    DiskArtifacts* owner_;
    std::string instance_id_;
  };

  // Records the blobs an instance uses so the cache never collects them.
  void Pin(const std::string& instance_id, const std::set<std::string>& blobs);

  DiskArtifactsOptions options_;
  ImageCache* cache_;
  OverlayDisk overlay_;
  SeedBuilder seed_;

  std::mutex mutex_;
  std::condition_variable idle_;
  std::set<std::string> busy_;                         // guarded by mutex_
  std::map<std::string, std::set<std::string>> uses_;  // instance -> blobs; guarded by mutex_
};

}  // namespace gureum::agent
