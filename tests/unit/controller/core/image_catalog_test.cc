#include "controller/core/image_catalog.h"

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "common/api_error.h"
#include "common/sha256.h"
#include "controller/core/instance_launcher.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::CoreHarness;
using testing::MinimalQcow2;
using testing::WriteFile;

class ImageHarness : public CoreHarness {
 public:
  ImageHarness() : blobs_(dir() / "blobs"), catalog_(core(), blobs_) {}

  // Writes `content` to a file in the scratch directory and returns its path.
  std::string File(const std::string& name, const std::string& content) {
    const std::string path = dir() / name;
    WriteFile(path, content);
    return path;
  }

  v1::ImportImageRequest Request(const std::string& name, const std::string& source) {
    v1::ImportImageRequest request;
    request.set_name(name);
    request.set_description("test image " + name);
    request.set_source_path(source);
    return request;
  }

  int ImageCount() {
    auto n = store().Read(
        [](Repositories& repos) -> absl::StatusOr<size_t> { return repos.images.List("").size(); });
    if (!n.ok()) throw std::runtime_error(n.status().ToString());
    return static_cast<int>(*n);
  }

  BlobStore& blobs() { return blobs_; }
  ImageCatalog& catalog() { return catalog_; }

 private:
  BlobStore blobs_;
  ImageCatalog catalog_;
};

}  // namespace

TEST_CASE("importing a raw file registers an available image backed by its blob") {
  // This test verifies that importing a raw file stores an available image row, its blob under its
  // sha256 and an image.imported event.
  ImageHarness h;
  const std::string content(10000, 'x');
  auto image = h.catalog().Import(h.Ctx(), h.Request("tiny raw", h.File("disk.raw", content)));
  REQUIRE(image.ok());
  CHECK(IsWellFormedId("ami", image->image_id()));
  CHECK(image->name() == "tiny raw");
  CHECK(image->description() == "test image tiny raw");
  CHECK(image->state() == "available");
  CHECK(image->disk_format() == "raw");
  CHECK(image->size_bytes() == 10000);
  CHECK(image->virtual_size_bytes() == 10000);
  CHECK(image->sha256() == Sha256Hex(content));
  CHECK(image->owner_id() == "default");
  CHECK(h.blobs().Exists(Sha256Hex(content)));
  CHECK(h.ImageCount() == 1);
  auto events = h.EventsOf(image->image_id());
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == "image.imported");
}

TEST_CASE("importing a qcow2 file detects the format and the virtual size") {
  // This test verifies that the image's format and virtual size come from
  // the qcow2 header, not the file's extension or length.
  ImageHarness h;
  const uint64_t virtual_size = 3ULL << 30;
  auto image = h.catalog().Import(
      h.Ctx(), h.Request("tiny qcow2", h.File("disk.img", MinimalQcow2(virtual_size))));
  REQUIRE(image.ok());
  CHECK(image->disk_format() == "qcow2");
  CHECK(image->virtual_size_bytes() == static_cast<int64_t>(virtual_size));
  CHECK(image->size_bytes() == 1024);
}

TEST_CASE("importing a qcow2 with a backing file is refused and registers nothing") {
  // This test verifies that a qcow2 with a backing file is refused as InvalidParameterValue on
  // SourcePath and no image row is written.
  ImageHarness h;
  auto image = h.catalog().Import(
      h.Ctx(), h.Request("overlay", h.File("overlay.qcow2", MinimalQcow2(1 << 30, 512))));
  REQUIRE_FALSE(image.ok());
  CHECK(ErrorCodeOf(image.status()) == "InvalidParameterValue");
  CHECK(ErrorFieldOf(image.status()) == "SourcePath");
  CHECK_THAT(std::string(image.status().message()), Catch::Contains("backing file"));
  CHECK(h.ImageCount() == 0);
}

TEST_CASE("importing a missing or empty file is refused naming the field") {
  // This test verifies that the source, kernel and ramdisk paths are each checked and reported
  // under their own field.
  ImageHarness h;
  const std::string disk = h.File("disk.raw", "some bytes");

  auto missing = h.catalog().Import(h.Ctx(), h.Request("a", h.dir() / "missing.raw"));
  CHECK(ErrorCodeOf(missing.status()) == "InvalidParameterValue");
  CHECK(ErrorFieldOf(missing.status()) == "SourcePath");

  auto empty = h.catalog().Import(h.Ctx(), h.Request("b", h.File("empty.raw", "")));
  CHECK(ErrorFieldOf(empty.status()) == "SourcePath");
  CHECK_THAT(std::string(empty.status().message()), Catch::Contains("empty"));

  auto no_kernel = h.Request("c", disk);
  no_kernel.set_kernel_path(h.dir() / "vmlinuz");
  CHECK(ErrorFieldOf(h.catalog().Import(h.Ctx(), no_kernel).status()) == "KernelPath");

  auto no_ramdisk = h.Request("d", disk);
  no_ramdisk.set_kernel_path(h.File("vmlinuz", "kernel"));
  no_ramdisk.set_ramdisk_path(h.File("initrd", ""));
  CHECK(ErrorFieldOf(h.catalog().Import(h.Ctx(), no_ramdisk).status()) == "RamdiskPath");
  CHECK(h.ImageCount() == 0);
}

TEST_CASE("an image with a kernel and ramdisk records all three blobs") {
  // This test verifies that a direct-boot image stores its kernel and ramdisk blobs and references
  // them by sha256 with the kernel arguments.
  ImageHarness h;
  auto request = h.Request("direct", h.File("root.raw", "root filesystem"));
  request.set_kernel_path(h.File("vmlinuz", "kernel bytes"));
  request.set_ramdisk_path(h.File("initrd", "initrd bytes"));
  request.set_kernel_args("console=ttyS0");
  auto image = h.catalog().Import(h.Ctx(), request);
  REQUIRE(image.ok());
  CHECK(image->kernel_sha256() == Sha256Hex("kernel bytes"));
  CHECK(image->ramdisk_sha256() == Sha256Hex("initrd bytes"));
  CHECK(image->kernel_args() == "console=ttyS0");
  CHECK(h.blobs().Exists(Sha256Hex("kernel bytes")));
  CHECK(h.blobs().Exists(Sha256Hex("initrd bytes")));
}

TEST_CASE("an image name is unique within a project and a client token makes import idempotent") {
  // This test verifies that a second image with the same name in a project is refused and that a
  // retried import with the same client token returns the first image.
  ImageHarness h;
  const std::string disk = h.File("disk.raw", "bytes");
  auto request = h.Request("web", disk);
  request.set_client_token("import-1");
  auto first = h.catalog().Import(h.Ctx(), request);
  REQUIRE(first.ok());
  auto retry = h.catalog().Import(h.Ctx(), request);
  REQUIRE(retry.ok());
  CHECK(retry->image_id() == first->image_id());
  CHECK(h.ImageCount() == 1);

  auto clash = h.catalog().Import(h.Ctx(), h.Request("web", disk));
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(ErrorFieldOf(clash.status()) == "Name");

  auto other = h.Request("other", disk);
  other.set_client_token("import-1");
  CHECK(ErrorCodeOf(h.catalog().Import(h.Ctx(), other).status()) == "IdempotentParameterMismatch");
  CHECK(h.ImageCount() == 1);

  CHECK(h.catalog().Import(h.Ctx("other-project"), h.Request("web", disk)).ok());
  CHECK(h.ImageCount() == 2);
}

TEST_CASE("an image in use cannot be deregistered until its instances are terminated") {
  // This test verifies that deregistering is DependencyViolation while a non-terminated instance
  // uses the image and succeeds once it is terminated, removing the row and the blob.
  ImageHarness h;
  h.AddHost("host-a");
  const std::string content = "disk image bytes";
  auto image = h.catalog().Import(h.Ctx(), h.Request("used", h.File("disk.raw", content)));
  REQUIRE(image.ok());
  auto launched = h.launcher().Run(h.Ctx(), testing::RunRequest(image->image_id(), "g1.nano"));
  REQUIRE(launched.ok());
  const std::string instance = launched->instances(0).instance_id();

  for (const char* state : {"pending", "running", "stopped", "shutting-down"}) {
    INFO("instance " << state);
    h.ForceState(instance, state, "running");
    absl::Status refused = h.catalog().Deregister(h.Ctx(), image->image_id());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(ErrorCodeOf(refused) == "DependencyViolation");
    CHECK(ErrorFieldOf(refused) == "ImageId");
    CHECK_THAT(std::string(refused.message()), Catch::Contains("1 instance(s)"));
    CHECK(h.ImageCount() == 1);
    CHECK(h.blobs().Exists(Sha256Hex(content)));
  }

  h.ForceState(instance, "terminated", "terminated");
  REQUIRE(h.catalog().Deregister(h.Ctx(), image->image_id()).ok());
  CHECK(h.ImageCount() == 0);
  CHECK_FALSE(h.blobs().Exists(Sha256Hex(content)));
  CHECK(h.EventsOf(image->image_id()).back().type == "image.deregistered");

  absl::Status again = h.catalog().Deregister(h.Ctx(), image->image_id());
  CHECK(ErrorCodeOf(again) == "InvalidAMIID.NotFound");
}

TEST_CASE("a blob shared by two images is kept until the last of them is deregistered") {
  // This test verifies that deregistering deletes only blobs no other image references.
  ImageHarness h;
  const std::string disk = h.File("disk.raw", "shared bytes");
  auto a = h.catalog().Import(h.Ctx(), h.Request("first", disk));
  auto b = h.catalog().Import(h.Ctx(), h.Request("second", disk));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(a->sha256() == b->sha256());
  REQUIRE(h.catalog().Deregister(h.Ctx(), a->image_id()).ok());
  CHECK(h.blobs().Exists(b->sha256()));
  REQUIRE(h.catalog().Deregister(h.Ctx(), b->image_id()).ok());
  CHECK_FALSE(h.blobs().Exists(b->sha256()));
}

TEST_CASE("describing images lists, filters and refuses unknown ids") {
  // This test verifies that DescribeImages lists all images, applies a disk-format filter and
  // returns InvalidAMIID.NotFound for an unknown id.
  ImageHarness h;
  REQUIRE(h.catalog().Import(h.Ctx(), h.Request("raw one", h.File("a.raw", "aaa"))).ok());
  auto q =
      h.catalog().Import(h.Ctx(), h.Request("qcow one", h.File("b.img", MinimalQcow2(1 << 30))));
  REQUIRE(q.ok());

  v1::DescribeImagesRequest all;
  auto listed = h.catalog().Describe(h.Ctx(), all);
  REQUIRE(listed.ok());
  CHECK(listed->images_size() == 2);

  v1::DescribeImagesRequest qcow_only;
  auto* filter = qcow_only.add_filters();
  filter->set_name("disk-format");
  filter->add_values("qcow2");
  auto filtered = h.catalog().Describe(h.Ctx(), qcow_only);
  REQUIRE(filtered.ok());
  REQUIRE(filtered->images_size() == 1);
  CHECK(filtered->images(0).image_id() == q->image_id());

  v1::DescribeImagesRequest unknown;
  unknown.add_image_ids("ami-0123456789abcdef0");
  CHECK(ErrorCodeOf(h.catalog().Describe(h.Ctx(), unknown).status()) == "InvalidAMIID.NotFound");
}

}  // namespace gureum::controller
