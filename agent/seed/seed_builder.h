// SeedBuilder: writes a cloud-init NoCloud seed image, an ISO9660 volume
// labelled `cidata` (with Joliet and Rock Ridge names) holding `meta-data` and
// `user-data`, made with genisoimage. cloud-init in the guest finds it by its
// label. Thread-safe (stateless apart from the tool's path).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

namespace gureum::agent {

struct SeedData {
  std::string instance_id;
  std::string hostname;  // local-hostname; omitted when empty
  std::vector<std::string> ssh_public_keys;
  std::string user_data;  // any bytes (a script, #cloud-config, gzip), copied as is
};

class SeedBuilder {
 public:
  explicit SeedBuilder(std::string genisoimage = "genisoimage",
                       std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // The meta-data document (YAML): instance-id, local-hostname, public-keys.
  // Every value is a quoted scalar, whatever the user put in it.
  // InvalidArgument if a value is not valid UTF-8 or instance_id is empty.
  static absl::StatusOr<std::string> MetaData(const SeedData& data);

  // Writes the seed image to `iso_path`, replacing any previous one
  // atomically (a running guest keeps reading the old one). The directory must
  // exist; scratch files are made beside the image and removed.
  absl::Status Build(const SeedData& data, const std::string& iso_path) const;

 private:
  std::string genisoimage_;
  std::chrono::milliseconds timeout_;
};

}  // namespace gureum::agent
