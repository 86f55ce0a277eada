#include "agent/images/overlay_disk.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <catch2/catch.hpp>

#include "agent/images/subprocess.h"
#include "tests/unit/agent_images/test_files.h"

namespace gureum::agent {
namespace {

using testing::PatternBytes;
using testing::TempDir;

constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kGiB = int64_t{1} << 30;

// A sparse raw file of `size` bytes with some data at its start.
std::string MakeRawBase(const std::string& path, int64_t size) {
  testing::WriteFile(path, PatternBytes(64 * 1024));
  std::filesystem::resize_file(path, static_cast<uintmax_t>(size));
  return path;
}

int64_t FileSize(const std::string& path) {
  return static_cast<int64_t>(std::filesystem::file_size(path));
}

TEST_CASE("overlay is backed by the base and sized to the larger of request and image") {
  // This test verifies the backing file, backing format and virtual size that
  // qemu-img reports for new overlays.
  TempDir dir;
  OverlayDisk overlay;
  const std::string base = MakeRawBase(dir / "base.raw", 10 * kMiB);

  REQUIRE(overlay.Create(base, "raw", dir / "grown.qcow2", 1).ok());
  absl::StatusOr<DiskImageInfo> grown = overlay.Inspect(dir / "grown.qcow2", "qcow2");
  REQUIRE(grown.ok());
  CHECK(grown->format == "qcow2");
  CHECK(grown->backing_file == base);
  CHECK(grown->backing_format == "raw");
  CHECK(grown->virtual_size == kGiB);

  // Asking for less than the image holds gives the image's size.
  REQUIRE(overlay.Create(base, "raw", dir / "same.qcow2", 0).ok());
  CHECK(overlay.Inspect(dir / "same.qcow2", "qcow2")->virtual_size == 10 * kMiB);

  const std::string big = MakeRawBase(dir / "big.raw", 3 * kGiB + 512 * kMiB);
  REQUIRE(overlay.Create(big, "raw", dir / "big.qcow2", 2).ok());
  CHECK(overlay.Inspect(dir / "big.qcow2", "qcow2")->virtual_size == 3 * kGiB + 512 * kMiB);
}

TEST_CASE("overlay shows the base's content to the guest") {
  // This test verifies with qemu-img compare that reading the overlay yields
  // the base's bytes (and zeros beyond them).
  TempDir dir;
  OverlayDisk overlay;
  const std::string base = MakeRawBase(dir / "base.raw", 4 * kMiB);
  REQUIRE(overlay.Create(base, "raw", dir / "disk.qcow2", 1).ok());
  absl::StatusOr<ProcessResult> compare =
      RunProcess({"qemu-img", "compare", "-f", "raw", "-F", "qcow2", base, dir / "disk.qcow2"});
  REQUIRE(compare.ok());
  CHECK(compare->exit_code == 0);
}

TEST_CASE("overlay creation costs the same for a small and a huge base") {
  // This test verifies that an overlay is O(1) in the image's size: only a
  // qcow2 header is written, whether the base is 1 MiB or 64 GiB.
  TempDir dir;
  OverlayDisk overlay;
  const std::string small = MakeRawBase(dir / "small.raw", kMiB);
  const std::string huge = MakeRawBase(dir / "huge.raw", 64 * kGiB);
  REQUIRE(overlay.Create(small, "raw", dir / "small.qcow2", 80).ok());
  REQUIRE(overlay.Create(huge, "raw", dir / "huge.qcow2", 80).ok());

  CHECK(FileSize(dir / "small.qcow2") == FileSize(dir / "huge.qcow2"));
  CHECK(FileSize(dir / "huge.qcow2") < kMiB);
  CHECK(overlay.Inspect(dir / "huge.qcow2", "qcow2")->actual_size < kMiB);
}

TEST_CASE("overlay works on a qcow2 base") {
  // This test verifies that qcow2 images are used with -F qcow2 and keep their
  // virtual size.
  TempDir dir;
  OverlayDisk overlay;
  REQUIRE(RunProcessChecked({"qemu-img", "create", "-q", "-f", "qcow2", dir / "base.qcow2", "3G"})
              .ok());
  REQUIRE(overlay.Create(dir / "base.qcow2", "qcow2", dir / "disk.qcow2", 1).ok());
  absl::StatusOr<DiskImageInfo> info = overlay.Inspect(dir / "disk.qcow2", "qcow2");
  REQUIRE(info.ok());
  CHECK(info->backing_format == "qcow2");
  CHECK(info->virtual_size == 3 * kGiB);
}

TEST_CASE("overlay refuses a base that refers to other files or is not its declared format") {
  // This test verifies that a qcow2 base with its own backing file (which
  // could expose host files) and a raw file declared qcow2 are refused.
  TempDir dir;
  OverlayDisk overlay;
  const std::string host_file = MakeRawBase(dir / "host-secret.raw", kMiB);
  REQUIRE(RunProcessChecked({"qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b",
                             host_file, dir / "sneaky.qcow2"})
              .ok());

  absl::Status sneaky = overlay.Create(dir / "sneaky.qcow2", "qcow2", dir / "a.qcow2", 1);
  CHECK(absl::IsInvalidArgument(sneaky));
  CHECK(std::string(sneaky.message()).find("self-contained") != std::string::npos);

  absl::Status mislabelled = overlay.Create(host_file, "qcow2", dir / "b.qcow2", 1);
  CHECK(absl::IsInvalidArgument(mislabelled));
  CHECK(std::string(mislabelled.message()).find("not a valid qcow2 image") != std::string::npos);

  CHECK(absl::IsInvalidArgument(overlay.Create(host_file, "vmdk", dir / "c.qcow2", 1)));
  CHECK(testing::ListDir(dir.path()) == std::set<std::string>{"host-secret.raw", "sneaky.qcow2"});
}

TEST_CASE("overlay refuses a truncated qcow2 base whose header still looks valid") {
  // This test verifies that a qcow2 image cut short after its header (which
  // qemu-img info accepts) is refused as damaged, so no guest boots from it.
  TempDir dir;
  OverlayDisk overlay;
  const std::string whole = dir / "whole.qcow2";
  REQUIRE(RunProcessChecked({"qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2",
                             MakeRawBase(dir / "data.raw", 8 * kMiB), whole})
              .ok());
  REQUIRE(overlay.Create(whole, "qcow2", dir / "good.qcow2", 1).ok());

  const std::string cut = dir / "cut.qcow2";
  std::filesystem::copy_file(whole, cut);
  std::filesystem::resize_file(cut, 64 * 1024);  // header only: the tables are gone
  REQUIRE(overlay.Inspect(cut, "qcow2").ok());

  absl::Status status = overlay.Create(cut, "qcow2", dir / "bad.qcow2", 1);
  CHECK(absl::IsInvalidArgument(status));
  CHECK(std::string(status.message()).find("damaged qcow2") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "bad.qcow2"));
}

TEST_CASE("overlay is never created over an existing file, and delete is idempotent") {
  // This test verifies that Create does not clobber an existing disk and that
  // Delete succeeds whether or not the overlay exists.
  TempDir dir;
  OverlayDisk overlay;
  const std::string base = MakeRawBase(dir / "base.raw", kMiB);
  REQUIRE(overlay.Create(base, "raw", dir / "disk.qcow2", 1).ok());
  CHECK(absl::IsAlreadyExists(overlay.Create(base, "raw", dir / "disk.qcow2", 1)));

  REQUIRE(overlay.Delete(dir / "disk.qcow2").ok());
  CHECK_FALSE(std::filesystem::exists(dir / "disk.qcow2"));
  CHECK(overlay.Delete(dir / "disk.qcow2").ok());
}

TEST_CASE("overlay reports a missing qemu-img clearly") {
  // This test verifies that a wrong tool path is an error naming the tool.
  TempDir dir;
  OverlayDisk overlay("/nonexistent/qemu-img");
  absl::Status status = overlay.Create(MakeRawBase(dir / "b.raw", kMiB), "raw", dir / "d", 1);
  CHECK_FALSE(status.ok());
  CHECK(std::string(status.message()).find("/nonexistent/qemu-img") != std::string::npos);
}

}  // namespace
}  // namespace gureum::agent
