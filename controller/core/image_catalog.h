// ImageCatalog: ImportImage (from a file on the controller's host into the
// content-addressed BlobStore), DescribeImages and DeregisterImage (refused
// while instances that are not terminated use the image). Thread-safe.
#pragma once

#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"
#include "controller/images/blob_store.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

class ImageCatalog {
 public:
  ImageCatalog(CoreContext& core, BlobStore& blobs) : core_(core), blobs_(blobs) {}

  absl::StatusOr<v1::Image> Import(const RequestContext& ctx,
                                   const v1::ImportImageRequest& request);
  absl::StatusOr<v1::DescribeImagesResponse> Describe(const RequestContext& ctx,
                                                      const v1::DescribeImagesRequest& request);
  absl::Status Deregister(const RequestContext& ctx, const std::string& image_id);

 private:
  CoreContext& core_;
  BlobStore& blobs_;
};

}  // namespace gureum::controller
