#include "controller/core/image_catalog.h"

#include "common/api_error.h"
#include "common/sha256.h"
#include "controller/core/idempotency.h"
#include "controller/core/instance_view.h"

namespace gureum::controller {

absl::StatusOr<v1::Image> ImageCatalog::Import(const RequestContext& ctx,
                                               const v1::ImportImageRequest& request) {
  // Copy and hash outside the transaction (it may take seconds); blobs are
  // content-addressed so a failed or repeated import leaves nothing wrong.
  auto disk = blobs_.Put(request.source_path(), "SourcePath");
  if (!disk.ok()) return disk.status();
  std::optional<BlobInfo> kernel, ramdisk;
  if (!request.kernel_path().empty()) {
    auto k = blobs_.Put(request.kernel_path(), "KernelPath");
    if (!k.ok()) return k.status();
    kernel = *k;
  }
  if (!request.ramdisk_path().empty()) {
    auto r = blobs_.Put(request.ramdisk_path(), "RamdiskPath");
    if (!r.ok()) return r.status();
    ramdisk = *r;
  }
  v1::ImportImageRequest for_hash = request;
  for_hash.clear_client_token();
  const std::string request_hash =
      Sha256Hex(for_hash.SerializeAsString() + disk->sha256 + (kernel ? kernel->sha256 : "") +
                (ramdisk ? ramdisk->sha256 : ""));
  const int64_t now = core_.clock.NowMillis();
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<v1::Image> {
    auto seen = LookUpClientToken(repos, ctx, request.client_token(), "ImportImage", request_hash);
    if (!seen.ok()) return seen.status();
    if (*seen) {
      if (auto image = repos.images.Get(**seen)) return ToApiImage(*image);
    }
    if (repos.images.NameTaken(ctx.project_id, request.name())) {
      return ApiError(absl::StatusCode::kAlreadyExists, errc::kInvalidParameterValue, "Name",
                      "An image named '" + request.name() + "' already exists");
    }
    for (const BlobInfo* blob :
         {&*disk, kernel ? &*kernel : nullptr, ramdisk ? &*ramdisk : nullptr}) {
      if (blob && !blobs_.Exists(blob->sha256)) {
        return absl::UnavailableError(
            "the image blob was removed by a concurrent deregister; retry");
      }
    }
    ImageRecord record;
    record.image_id = core_.ids.Next("ami");
    record.project_id = ctx.project_id;
    record.name = request.name();
    record.description = request.description();
    record.state = "available";
    record.disk_format = disk->format;
    record.size_bytes = disk->size_bytes;
    record.virtual_size_bytes = disk->virtual_size_bytes;
    record.sha256 = disk->sha256;
    record.kernel_sha256 = kernel ? kernel->sha256 : "";
    record.ramdisk_sha256 = ramdisk ? ramdisk->sha256 : "";
    record.kernel_args = request.kernel_args();
    record.is_public = request.public_();
    record.created_at = now;
    repos.images.Insert(record);
    if (!request.client_token().empty()) {
      repos.client_tokens.Insert(
          ctx.project_id, request.client_token(),
          ClientTokenRecord{"ImportImage", request_hash, record.image_id, now});
    }
    RecordEvent(repos, changes, ctx, now, "image", record.image_id, "image.imported",
                "image " + record.name + " imported (" + record.disk_format + ", " +
                    std::to_string(record.size_bytes) + " bytes, sha256 " + record.sha256 + ")",
                "", "available");
    return ToApiImage(record);
  });
}

absl::StatusOr<v1::DescribeImagesResponse> ImageCatalog::Describe(
    const RequestContext& ctx, const v1::DescribeImagesRequest& request) {
  return core_.store.Read([&](Repositories& repos) -> absl::StatusOr<v1::DescribeImagesResponse> {
    v1::DescribeImagesResponse response;
    std::vector<ImageRecord> images;
    if (request.image_ids().empty()) {
      images = repos.images.List(ctx.ListScope());
    } else {
      for (const std::string& id : request.image_ids()) {
        auto image = repos.images.Get(id);
        if (!image || (!ctx.CanAccess(image->project_id) && !image->is_public)) {
          return NotFoundError(errc::kInvalidAmiIdNotFound, "ImageIds",
                               "The image id '" + id + "' does not exist");
        }
        images.push_back(*image);
      }
    }
    for (const ImageRecord& image : images) {
      bool keep = true;
      for (const auto& filter : request.filters()) {
        const std::string& name = filter.name();
        const std::string value = name == "name"          ? image.name
                                  : name == "state"       ? image.state
                                  : name == "disk-format" ? image.disk_format
                                                          : image.image_id;
        keep = keep && std::find(filter.values().begin(), filter.values().end(), value) !=
                           filter.values().end();
      }
      if (keep) *response.add_images() = ToApiImage(image);
    }
    return response;
  });
}

absl::Status ImageCatalog::Deregister(const RequestContext& ctx, const std::string& image_id) {
  const int64_t now = core_.clock.NowMillis();
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::Status {
    auto image = repos.images.Get(image_id);
    if (!image || !ctx.CanAccess(image->project_id)) {
      return NotFoundError(errc::kInvalidAmiIdNotFound, "ImageId",
                           "The image id '" + image_id + "' does not exist");
    }
    if (int in_use = repos.instances.CountActiveUsingImage(image_id); in_use > 0) {
      return ApiError(absl::StatusCode::kFailedPrecondition, errc::kDependencyViolation, "ImageId",
                      "The image '" + image_id + "' is used by " + std::to_string(in_use) +
                          " instance(s) that are not terminated");
    }
    repos.images.Delete(image_id);
    // Delete blobs no other image references; under the store's lock, so a
    // concurrent import of the same bytes sees the blob gone and retries.
    for (const std::string& sha : {image->sha256, image->kernel_sha256, image->ramdisk_sha256}) {
      if (!sha.empty() && repos.images.CountReferencingBlob(sha) == 0) {
        if (absl::Status s = blobs_.Delete(sha); !s.ok()) return s;
      }
    }
    RecordEvent(repos, changes, ctx, now, "image", image_id, "image.deregistered",
                "image " + image->name + " deregistered", image->state, "deregistered");
    return absl::OkStatus();
  });
}

}  // namespace gureum::controller
