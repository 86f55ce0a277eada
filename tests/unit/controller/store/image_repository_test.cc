#include "controller/store/image_repository.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

ImageRecord MakeImage(const std::string& id, const std::string& project, const std::string& name,
                      int64_t created_at, const std::string& sha) {
  ImageRecord r;
  r.image_id = id;
  r.project_id = project;
  r.name = name;
  r.description = "desc of " + name;
  r.state = "available";
  r.disk_format = "qcow2";
  r.size_bytes = 1234;
  r.virtual_size_bytes = 5678;
  r.sha256 = sha;
  r.created_at = created_at;
  return r;
}

}  // namespace

TEST_CASE("an image row survives the round trip and lists by project, oldest first") {
  // This test verifies that an image row reads back field by field, lists by project oldest first,
  // reports its name as taken and can be deleted.
  testing::StoreFixture f;
  ImageRecord a = MakeImage("ami-0000000a", "p1", "alpha", 20, std::string(64, '1'));
  a.kernel_sha256 = std::string(64, 'k');
  a.ramdisk_sha256 = std::string(64, 'r');
  a.kernel_args = "console=ttyS0 quiet";
  ImageRecord b = MakeImage("ami-0000000b", "p1", "beta", 10, std::string(64, '2'));
  ImageRecord c = MakeImage("ami-0000000c", "p2", "alpha", 30, std::string(64, '3'));
  f.Run([&](Repositories& repos) {
    for (const auto& r : {a, b, c}) repos.images.Insert(r);
  });

  auto out = *f.Get<std::optional<ImageRecord>>(
      [](Repositories& repos) { return repos.images.Get("ami-0000000a"); });
  CHECK(out.project_id == "p1");
  CHECK(out.name == "alpha");
  CHECK(out.description == "desc of alpha");
  CHECK(out.state == "available");
  CHECK(out.disk_format == "qcow2");
  CHECK(out.size_bytes == 1234);
  CHECK(out.virtual_size_bytes == 5678);
  CHECK(out.sha256 == std::string(64, '1'));
  CHECK(out.kernel_sha256 == std::string(64, 'k'));
  CHECK(out.ramdisk_sha256 == std::string(64, 'r'));
  CHECK(out.kernel_args == "console=ttyS0 quiet");
  CHECK(out.created_at == 20);

  auto names = [&](const std::string& project) {
    std::vector<std::string> ids;
    for (const auto& r : f.Get<std::vector<ImageRecord>>(
             [&](Repositories& repos) { return repos.images.List(project); })) {
      ids.push_back(r.image_id);
    }
    return ids;
  };
  CHECK(names("p1") == std::vector<std::string>{"ami-0000000b", "ami-0000000a"});
  CHECK(names("p2") == std::vector<std::string>{"ami-0000000c"});
  CHECK(names("") == std::vector<std::string>{"ami-0000000b", "ami-0000000a", "ami-0000000c"});

  CHECK(f.Get<bool>([](Repositories& repos) { return repos.images.NameTaken("p1", "alpha"); }));
  CHECK_FALSE(
      f.Get<bool>([](Repositories& repos) { return repos.images.NameTaken("p2", "beta"); }));

  f.Run([](Repositories& repos) { repos.images.Delete("ami-0000000a"); });
  CHECK_FALSE(f.Get<bool>(
      [](Repositories& repos) { return repos.images.Get("ami-0000000a").has_value(); }));
  CHECK(names("p1") == std::vector<std::string>{"ami-0000000b"});
}

TEST_CASE("blob references count disks, kernels and ramdisks of every image") {
  // This test verifies that CountReferencingBlob counts disks, kernels and ramdisks of every image
  // (it decides when a blob may go).
  testing::StoreFixture f;
  const std::string shared(64, 's');
  ImageRecord a = MakeImage("ami-0000000a", "p1", "a", 1, shared);
  ImageRecord b = MakeImage("ami-0000000b", "p1", "b", 2, std::string(64, 'd'));
  b.kernel_sha256 = shared;
  ImageRecord c = MakeImage("ami-0000000c", "p2", "c", 3, std::string(64, 'e'));
  c.ramdisk_sha256 = shared;
  f.Run([&](Repositories& repos) {
    for (const auto& r : {a, b, c}) repos.images.Insert(r);
  });
  CHECK(f.Get<int>(
            [&](Repositories& repos) { return repos.images.CountReferencingBlob(shared); }) == 3);
  CHECK(f.Get<int>([&](Repositories& repos) {
    return repos.images.CountReferencingBlob(std::string(64, 'd'));
  }) == 1);
  CHECK(f.Get<int>([&](Repositories& repos) {
    return repos.images.CountReferencingBlob(std::string(64, 'z'));
  }) == 0);
}

TEST_CASE("two images of one project cannot share a name") {
  // This test verifies that two images of one project cannot share a name while two projects can.
  testing::StoreFixture f;
  f.Run([](Repositories& repos) {
    repos.images.Insert(MakeImage("ami-0000000a", "p1", "x", 1, "s1"));
  });
  absl::Status status = f.store().Write([](Repositories& repos) {
    repos.images.Insert(MakeImage("ami-0000000b", "p1", "x", 2, "s2"));
    return absl::OkStatus();
  });
  CHECK(status.code() == absl::StatusCode::kInternal);
  CHECK_NOTHROW(f.Run([](Repositories& repos) {
    repos.images.Insert(MakeImage("ami-0000000c", "p2", "x", 3, "s3"));
  }));
}

}  // namespace gureum::controller
