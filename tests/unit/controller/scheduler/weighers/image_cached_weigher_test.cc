#include "controller/scheduler/weighers/image_cached_weigher.h"

#include <memory>
#include <vector>

#include <catch2/catch.hpp>

#include "controller/scheduler/scheduler.h"
#include "controller/scheduler/weighers/free_memory_weigher.h"
#include "tests/unit/controller/scheduler/scheduler_test_hosts.h"

namespace gureum::controller {

using testing::Host;
using testing::Want;

TEST_CASE("the image cached weigher scores 1 for a host holding the image, else 0") {
  // This test verifies the raw score and the default multiplier.
  ImageCachedWeigher weigher;
  CHECK(weigher.Name() == "ImageCachedWeigher");
  CHECK(weigher.multiplier() == 1.0);
  HostState cached = Host("host-a", 4, 4096, 100);
  cached.image_cached = true;
  CHECK(weigher.Raw(cached, Want(1, 512, 4)) == 1.0);
  CHECK(weigher.Raw(Host("host-b", 4, 4096, 100), Want(1, 512, 4)) == 0.0);
}

TEST_CASE("among otherwise equal hosts the one holding the image wins") {
  // This test verifies that with free memory equal, the host whose cache holds the image gets the
  // instance even though another host sorts first by name.
  std::vector<std::unique_ptr<HostFilter>> filters;
  std::vector<std::unique_ptr<HostWeigher>> weighers;
  weighers.push_back(std::make_unique<FreeMemoryWeigher>(1.0));
  weighers.push_back(std::make_unique<ImageCachedWeigher>(1.0));
  Scheduler scheduler(std::move(filters), std::move(weighers));
  std::vector<HostState> hosts = {Host("host-a", 4, 4096, 100), Host("host-b", 4, 4096, 100)};
  hosts[1].image_cached = true;
  auto placed = scheduler.Place(hosts, Want(1, 512, 4), 1, 1);
  REQUIRE(placed.ok());
  CHECK(*placed == std::vector<std::string>{"h-host-b"});
}

}  // namespace gureum::controller
