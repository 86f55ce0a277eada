// BlobSource: where the host image cache gets the bytes of a blob (a disk
// image, kernel or ramdisk named by its sha256). The real one streams from the
// controller (GrpcBlobSource); tests serve bytes from memory. Implementations
// must be thread-safe: the cache fetches different blobs concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <absl/status/status.h>

namespace gureum::agent {

class BlobSource {
 public:
  // Receives the blob's bytes in order. A non-OK return stops the fetch, and
  // Fetch returns that status.
  using Sink = std::function<absl::Status(std::string_view data)>;

  virtual ~BlobSource() = default;

  // Streams blob `sha256` from byte `offset` (to resume an interrupted
  // download) to its end into `sink`. NotFound if the source has no such blob;
  // Unavailable/DeadlineExceeded when the transfer broke and may be resumed.
  // The source does not verify content: the cache checks size and digest.
  virtual absl::Status Fetch(const std::string& sha256, int64_t offset, const Sink& sink) = 0;
};

}  // namespace gureum::agent
