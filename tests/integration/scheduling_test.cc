// Placement across five fake-driver hosts of different sizes, through the
// real controller and agents: spread and pack layouts, placement groups,
// zones and host maintenance.
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "tests/integration/compute_api.h"
#include "tests/integration/fake_hosts.h"

namespace gureum::testing {
namespace {

// Five hosts, memory the binding resource (g1.small: 1 vCPU, 2048 MiB, 16 GiB).
void AddFiveHosts(TestCluster& cluster) {
  const std::pair<const char*, int64_t> hosts[] = {
      {"host-1", 8192}, {"host-2", 8192}, {"host-3", 16384}, {"host-4", 16384}, {"host-5", 32768}};
  for (const auto& [name, memory] : hosts) {
    AgentSpec spec = FakeHost(name, 64, memory, 1000);
    spec.zone = std::string(name) <= "host-2" ? "zone-a" : "zone-b";
    cluster.AddAgent(spec);
  }
  REQUIRE(cluster.WaitForHostsUp(5));
}

v1::RunInstancesRequest Run(const std::string& image, int min_count, int max_count) {
  v1::RunInstancesRequest request;
  request.set_image_id(image);
  request.set_instance_type("g1.small");
  request.set_min_count(min_count);
  request.set_max_count(max_count);
  return request;
}

// host name -> instances placed there by one response.
std::map<std::string, int> Layout(const v1::RunInstancesResponse& response) {
  std::map<std::string, int> out;
  for (const auto& i : response.instances()) out[i.host_name()]++;
  return out;
}

}  // namespace

TEST_CASE("spreading fills the host with the most free memory first, ties by name",
          "[integration]") {
  // This test verifies the spread layout (free-memory weigher +1, builds not weighed): host-5
  // (32 GiB) takes 8 instances until its free memory equals host-3's and host-4's 16 GiB, then the
  // three alternate by name: host-3, host-4, host-5, host-3.
  TestCluster cluster;
  cluster.AddControllerArgs({"--weigher", "building=0"});
  cluster.StartController();
  AddFiveHosts(cluster);
  const std::string image = cluster.ImportImage("tiny");
  ComputeApi api(cluster.endpoint(), cluster.admin_key());
  v1::RunInstancesResponse response;
  REQUIRE(api.Call(&v1::Compute::Stub::RunInstances, Run(image, 12, 12), &response).code == "");
  CHECK(Layout(response) ==
        std::map<std::string, int>{{"host-3", 2}, {"host-4", 1}, {"host-5", 9}});
}

TEST_CASE("packing fills the fullest host before the next", "[integration]") {
  // This test verifies the pack layout (free-memory weigher -1): the smallest hosts fill first,
  // four 2 GiB instances each on host-1 and host-2, then host-3 (ties by name).
  TestCluster cluster;
  cluster.AddControllerArgs({"--weigher", "free-memory=-1", "--weigher", "building=0"});
  cluster.StartController();
  AddFiveHosts(cluster);
  const std::string image = cluster.ImportImage("tiny");
  ComputeApi api(cluster.endpoint(), cluster.admin_key());
  v1::RunInstancesResponse response;
  REQUIRE(api.Call(&v1::Compute::Stub::RunInstances, Run(image, 12, 12), &response).code == "");
  CHECK(Layout(response) ==
        std::map<std::string, int>{{"host-1", 4}, {"host-2", 4}, {"host-3", 4}});
}

TEST_CASE("placement groups, zones and disabled hosts shape placement", "[integration]") {
  // This test verifies, with the default weighers: a spread group of 6 on 5 hosts fails as a
  // whole naming the placement-group filter and creates nothing; 5 land on 5 distinct hosts; a
  // zone keeps instances in it and a disabled host gets nothing new; a cluster group lands on one
  // host; describe-availability-zones and describe-hosts show it all.
  TestCluster cluster;
  cluster.StartController();
  AddFiveHosts(cluster);
  const std::string image = cluster.ImportImage("tiny");
  ComputeApi api(cluster.endpoint(), cluster.admin_key());

  v1::PlacementGroup group;
  v1::CreatePlacementGroupRequest spread;
  spread.set_group_name("web");
  spread.set_strategy("spread");
  REQUIRE(api.Call(&v1::Compute::Stub::CreatePlacementGroup, spread, &group).code == "");
  auto six = Run(image, 6, 6);
  six.mutable_placement()->set_group_name("web");
  v1::RunInstancesResponse response;
  ApiErrorParts refused = api.Call(&v1::Compute::Stub::RunInstances, six, &response);
  CHECK(refused.code == "InsufficientInstanceCapacity");
  CHECK_THAT(refused.message, Catch::Contains("5 fit. Hosts: 5; PlacementGroupFilter removed 5"));
  CHECK(cluster.CountRows("instances") == 0);
  auto five = Run(image, 5, 5);
  five.mutable_placement()->set_group_name("web");
  REQUIRE(api.Call(&v1::Compute::Stub::RunInstances, five, &response).code == "");
  CHECK(Layout(response).size() == 5);

  v1::Host host;
  v1::DisableHostRequest disable;
  disable.set_host_id("host-1");
  disable.set_reason("memory test");
  REQUIRE(api.Call(&v1::Compute::Stub::DisableHost, disable, &host).code == "");
  CHECK_FALSE(host.enabled());
  auto zone_a = Run(image, 3, 3);
  zone_a.mutable_placement()->set_availability_zone("zone-a");
  REQUIRE(api.Call(&v1::Compute::Stub::RunInstances, zone_a, &response).code == "");
  CHECK(Layout(response) == std::map<std::string, int>{{"host-2", 3}});

  v1::CreatePlacementGroupRequest cluster_group;
  cluster_group.set_group_name("hpc");
  cluster_group.set_strategy("cluster");
  REQUIRE(api.Call(&v1::Compute::Stub::CreatePlacementGroup, cluster_group, &group).code == "");
  auto hpc = Run(image, 3, 3);
  hpc.mutable_placement()->set_group_name("hpc");
  REQUIRE(api.Call(&v1::Compute::Stub::RunInstances, hpc, &response).code == "");
  CHECK(Layout(response).size() == 1);
  CHECK(response.instances(0).placement().group_name() == "hpc");

  v1::DescribeAvailabilityZonesResponse zones;
  REQUIRE(api.Call(&v1::Compute::Stub::DescribeAvailabilityZones,
                   v1::DescribeAvailabilityZonesRequest(), &zones)
              .code == "");
  REQUIRE(zones.availability_zones_size() == 2);
  CHECK(zones.availability_zones(0).zone_name() == "zone-a");
  CHECK(zones.availability_zones(0).host_count() == 2);
  CHECK(zones.availability_zones(0).hosts_available() == 1);
  CHECK(zones.availability_zones(0).memory_capacity_mib() == 8192.0);
  CHECK(zones.availability_zones(1).hosts_available() == 3);
  CHECK(zones.availability_zones(0).instance_count() +
            zones.availability_zones(1).instance_count() ==
        11);

  v1::DescribeHostsResponse hosts;
  REQUIRE(api.Call(&v1::Compute::Stub::DescribeHosts, v1::DescribeHostsRequest(), &hosts).code ==
          "");
  int total = 0;
  for (const auto& h : hosts.hosts()) {
    total += h.instance_count();
    if (h.name() == "host-1") CHECK(h.disabled_reason() == "memory test");
    CHECK(h.vcpu_capacity() == 256.0);
  }
  CHECK(total == 11);
}

}  // namespace gureum::testing
