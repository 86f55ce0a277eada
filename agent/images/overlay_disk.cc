#include "agent/images/overlay_disk.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <utility>
#include <vector>

#include <absl/strings/str_cat.h>
#include <nlohmann/json.hpp>

#include "agent/images/subprocess.h"

namespace gureum::agent {
namespace {

constexpr int64_t kGiB = int64_t{1} << 30;

}  // namespace

OverlayDisk::OverlayDisk(std::string qemu_img, std::chrono::milliseconds timeout)
    : qemu_img_(std::move(qemu_img)), timeout_(timeout) {}

absl::StatusOr<DiskImageInfo> OverlayDisk::Inspect(const std::string& path,
                                                   const std::string& format) const {
  // -U (force share): the image may be open in a running guest, which holds
  // QEMU's write lock on it.
  std::vector<std::string> argv = {qemu_img_, "info", "--output=json", "-U"};
  if (!format.empty()) {
    argv.push_back("-f");
    argv.push_back(format);
  }
  argv.push_back(path);
  absl::StatusOr<std::string> out = RunProcessChecked(argv, {.timeout = timeout_});
  if (!out.ok()) return out.status();

  nlohmann::json json = nlohmann::json::parse(*out, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("virtual-size") || !json.contains("format")) {
    return absl::InternalError(
        absl::StrCat("unexpected qemu-img info output for ", path, ": ", *out));
  }
  DiskImageInfo info;
  info.format = json.value("format", "");
  info.virtual_size = json.value("virtual-size", int64_t{0});
  info.actual_size = json.value("actual-size", int64_t{0});
  info.backing_file = json.value("backing-filename", "");
  info.backing_format = json.value("backing-filename-format", "");
  const nlohmann::json* specific = nullptr;
  if (json.contains("format-specific") && json["format-specific"].contains("data")) {
    specific = &json["format-specific"]["data"];
  }
  info.has_data_file =
      specific != nullptr && specific->is_object() && specific->contains("data-file");
  return info;
}

absl::Status OverlayDisk::Create(const std::string& base_path, const std::string& base_format,
                                 const std::string& overlay_path, int64_t min_size_gib) const {
  if (base_format != "qcow2" && base_format != "raw") {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported image format \"", base_format, "\": want qcow2 or raw"));
  }
  if (min_size_gib < 0) {
    return absl::InvalidArgumentError(absl::StrCat("negative disk size ", min_size_gib, " GiB"));
  }
  std::error_code ec;
  if (std::filesystem::exists(overlay_path, ec)) {
    return absl::AlreadyExistsError(absl::StrCat("overlay ", overlay_path, " already exists"));
  }
  // The overlay records the base's path: it must be absolute to stay valid.
  const std::string base = std::filesystem::absolute(base_path, ec).lexically_normal().string();

  absl::StatusOr<DiskImageInfo> base_info = Inspect(base, base_format);
  if (!base_info.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("image ", base, " is not a valid ", base_format,
                                                   " image: ", base_info.status().message()));
  }
  if (!base_info->backing_file.empty() || base_info->has_data_file) {
    return absl::InvalidArgumentError(absl::StrCat("image ", base,
                                                   " refers to other files (backing or data file); "
                                                   "only self-contained images can be used"));
  }
  if (base_format == "qcow2") {
    // A truncated or damaged qcow2 still has a valid header, so Inspect and
    // `create` accept it, and the guest would then read zeros or I/O errors
    // and never boot. Its metadata check catches that in milliseconds.
    absl::StatusOr<ProcessResult> check =
        RunProcess({qemu_img_, "check", "-q", "-f", "qcow2", base}, {.timeout = timeout_});
    if (!check.ok()) return check.status();
    // 0: clean; 3: only leaked clusters (harmless); 2: corrupt; 1: cannot check.
    if (check->exit_code != 0 && check->exit_code != 3) {
      std::string detail = check->stderr_data.empty() ? check->stdout_data : check->stderr_data;
      while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
      if (detail.size() > 300) detail = detail.substr(0, 300) + "...";
      return absl::InvalidArgumentError(absl::StrCat(
          "image ", base, " is a damaged qcow2 (truncated or corrupt; qemu-img check exited ",
          check->exit_code, detail.empty() ? "" : ": ", detail, ")"));
    }
  }
  if (min_size_gib > std::numeric_limits<int64_t>::max() / kGiB) {
    return absl::InvalidArgumentError(absl::StrCat("disk size ", min_size_gib, " GiB too large"));
  }
  const int64_t size = std::max(min_size_gib * kGiB, base_info->virtual_size);

  absl::StatusOr<std::string> created =
      RunProcessChecked({qemu_img_, "create", "-q", "-f", "qcow2", "-F", base_format, "-b", base,
                         overlay_path, std::to_string(size)},
                        {.timeout = timeout_});
  if (!created.ok()) {
    // qemu-img may leave a partial file behind.
    std::filesystem::remove(overlay_path, ec);
    return absl::InternalError(
        absl::StrCat("cannot create overlay ", overlay_path, ": ", created.status().message()));
  }
  return absl::OkStatus();
}

absl::Status OverlayDisk::Delete(const std::string& overlay_path) const {
  if (unlink(overlay_path.c_str()) != 0 && errno != ENOENT) {
    return absl::InternalError(
        absl::StrCat("cannot delete overlay ", overlay_path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace gureum::agent
