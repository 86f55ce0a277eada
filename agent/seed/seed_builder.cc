#include "agent/seed/seed_builder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>

#include <absl/strings/str_cat.h>

#include "agent/images/subprocess.h"
#include "agent/seed/yaml_quote.h"
#include "common/durable_file.h"

namespace gureum::agent {
namespace {

namespace fs = std::filesystem;

std::string ErrnoText(int err) { return std::string(std::strerror(err)); }

absl::Status WriteFile(const std::string& path, std::string_view content) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError(absl::StrCat("open ", path, ": ", ErrnoText(errno)));
  while (!content.empty()) {
    ssize_t n = write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return absl::InternalError(absl::StrCat("write ", path, ": ", ErrnoText(err)));
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  if (close(fd) != 0)
    return absl::InternalError(absl::StrCat("close ", path, ": ", ErrnoText(errno)));
  return absl::OkStatus();
}

// Removes the scratch directory and image on every path out of Build.
class Scratch {
 public:
  explicit Scratch(std::string dir) : dir_(std::move(dir)) {}
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace

SeedBuilder::SeedBuilder(std::string genisoimage, std::chrono::milliseconds timeout)
    : genisoimage_(std::move(genisoimage)), timeout_(timeout) {}

absl::StatusOr<std::string> SeedBuilder::MetaData(const SeedData& data) {
  if (data.instance_id.empty()) return absl::InvalidArgumentError("seed: empty instance id");
  absl::StatusOr<std::string> id = YamlQuote(data.instance_id);
  if (!id.ok()) return id.status();
  std::string yaml = absl::StrCat("instance-id: ", *id, "\n");
  if (!data.hostname.empty()) {
    absl::StatusOr<std::string> hostname = YamlQuote(data.hostname);
    if (!hostname.ok()) return hostname.status();
    absl::StrAppend(&yaml, "local-hostname: ", *hostname, "\n");
  }
  if (data.ssh_public_keys.empty()) {
    absl::StrAppend(&yaml, "public-keys: []\n");
  } else {
    absl::StrAppend(&yaml, "public-keys:\n");
    for (const std::string& key : data.ssh_public_keys) {
      absl::StatusOr<std::string> quoted = YamlQuote(key);
      if (!quoted.ok()) return quoted.status();
      absl::StrAppend(&yaml, "  - ", *quoted, "\n");
    }
  }
  return yaml;
}

absl::Status SeedBuilder::Build(const SeedData& data, const std::string& iso_path) const {
  absl::StatusOr<std::string> meta_data = MetaData(data);
  if (!meta_data.ok()) return meta_data.status();

  const fs::path target(iso_path);
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string pattern = (parent / ".seed-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create a scratch directory in ",
                                            parent.string(), ": ", ErrnoText(errno)));
  }
  Scratch scratch(pattern);
  const std::string meta_path = scratch.dir() + "/meta-data";
  const std::string user_path = scratch.dir() + "/user-data";
  const std::string image_path = scratch.dir() + "/seed.iso";
  if (absl::Status s = WriteFile(meta_path, *meta_data); !s.ok()) return s;
  if (absl::Status s = WriteFile(user_path, data.user_data); !s.ok()) return s;

  absl::StatusOr<std::string> made =
      RunProcessChecked({genisoimage_, "-quiet", "-output", image_path, "-volid", "cidata",
                         "-joliet", "-rock", "-input-charset", "utf-8", user_path, meta_path},
                        {.timeout = timeout_});
  if (!made.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot build seed image ", iso_path, ": ", made.status().message()));
  }
  return CommitFile(image_path, iso_path);
}

}  // namespace gureum::agent
