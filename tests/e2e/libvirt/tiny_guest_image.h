// TinyGuestImage: the smallest guest that proves a boot, assembled by the
// test itself from the host's Debian cloud kernel and busybox-static: a gzip
// cpio initramfs whose /init prints markers on ttyS0, an empty qcow2 disk and
// a NoCloud-style seed ISO. Build once per test; the object is immutable after.
//
// Markers the guest prints, one line each:
//   GUREUM-E2E boot                     as soon as /init runs
//   GUREUM-E2E seed <token>             the seed ISO was found on the IDE cdrom
//   GUREUM-E2E disk vda                 the virtio root disk is visible
//   GUREUM-E2E ip <address>|none        the DHCP lease on eth0
//   GUREUM-E2E ready                    all of the above done
//   GUREUM-E2E power-button             on the ACPI power button, then poweroff -f
#pragma once

#include <filesystem>
#include <string>

namespace gureum::agent::testing {

class TinyGuestImage {
 public:
  // Builds into `dir`; throws std::runtime_error with the reason on failure
  // (no cloud kernel installed, cpio missing, ...).
  static TinyGuestImage Build(const std::filesystem::path& dir, const std::string& seed_token);

  std::string kernel_path;
  std::string initrd_path;
  std::string disk_path;  // qcow2, 16 MiB, empty
  std::string seed_iso_path;
  std::string kernel_version;
};

}  // namespace gureum::agent::testing
