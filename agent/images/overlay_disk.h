// OverlayDisk: an instance's root disk as a qcow2 copy-on-write overlay on a
// cached base image, made and inspected with qemu-img. Creating one costs the
// same for a 1 MiB and a 100 GiB base: only a header is written.
// Thread-safe (stateless apart from the tool's path).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

namespace gureum::agent {

// What `qemu-img info --output=json` says about a disk image.
struct DiskImageInfo {
  std::string format;          // "qcow2", "raw", ...
  int64_t virtual_size = 0;    // bytes the guest sees
  int64_t actual_size = 0;     // bytes allocated on the host
  std::string backing_file;    // as recorded in the image ("" if none)
  std::string backing_format;  // ditto
  bool has_data_file = false;  // qcow2 with an external data file
};

class OverlayDisk {
 public:
  explicit OverlayDisk(std::string qemu_img = "qemu-img",
                       std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // Inspects an image. With `format` empty qemu-img probes it; never probe an
  // untrusted image whose format is known (a raw image can pose as qcow2).
  absl::StatusOr<DiskImageInfo> Inspect(const std::string& path,
                                        const std::string& format = "") const;

  // Creates a qcow2 overlay at `overlay_path` backed by `base_path` (format
  // "qcow2" or "raw"), with a virtual size of max(min_size_gib GiB, the base's
  // virtual size). The base must be self-contained: a qcow2 base with its own
  // backing or data file could make the guest read host files, so it is
  // refused (InvalidArgument), as is a qcow2 base that `qemu-img check` finds
  // damaged (e.g. truncated). AlreadyExists if the overlay exists.
  absl::Status Create(const std::string& base_path, const std::string& base_format,
                      const std::string& overlay_path, int64_t min_size_gib) const;

  // Deletes an overlay; succeeds if it is already gone.
  absl::Status Delete(const std::string& overlay_path) const;

 private:
  std::string qemu_img_;
  std::chrono::milliseconds timeout_;
};

}  // namespace gureum::agent
