#include "controller/core/host_directory.h"

#include <string>

#include <catch2/catch.hpp>

#include "common/api_error.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::CoreHarness;
using testing::RunRequest;

}  // namespace

TEST_CASE("a disabled host keeps its instances, gets no new ones and says why") {
  // This test verifies disable (by name, with a reason, recorded as an event), that the scheduler
  // then skips the host (HostUpFilter names it), that enable clears the reason, and that repeating
  // either changes nothing.
  CoreHarness h;
  HostDirectory hosts(h.core(), h.image_index(), h.host_records());
  const std::string host = h.AddHost("host-a");
  const std::string image = h.AddImage();
  REQUIRE(h.launcher().Run(h.Ctx(), RunRequest(image)).ok());

  auto disabled = hosts.SetEnabled(h.Ctx(), "host-a", false, "disk replacement");
  REQUIRE(disabled.ok());
  CHECK_FALSE(disabled->enabled());
  CHECK(disabled->disabled_reason() == "disk replacement");
  CHECK(disabled->instance_count() == 1);
  const int64_t after_disable = h.LastEvent();
  REQUIRE(hosts.SetEnabled(h.Ctx(), host, false, "disk replacement").ok());
  CHECK(h.LastEvent() == after_disable);  // idempotent: no second event

  auto refused = h.launcher().Run(h.Ctx(), RunRequest(image));
  REQUIRE_FALSE(refused.ok());
  CHECK(ErrorCodeOf(refused.status()) == "InsufficientInstanceCapacity");
  CHECK_THAT(
      std::string(refused.status().message()),
      Catch::Contains("HostUpFilter removed 1") && Catch::Contains("host-a: host is disabled"));

  auto enabled = hosts.SetEnabled(h.Ctx(), host, true, "");
  REQUIRE(enabled.ok());
  CHECK(enabled->enabled());
  CHECK(enabled->disabled_reason().empty());
  CHECK(h.launcher().Run(h.Ctx(), RunRequest(image)).ok());
  auto events = h.EventsOf(host);
  CHECK(events[events.size() - 2].type == "host.disabled");
  CHECK(events.back().type == "host.enabled");

  CHECK(ErrorCodeOf(hosts.SetEnabled(h.Ctx(), "host-zz", false, "").status()) ==
        "InvalidHostID.NotFound");
}

TEST_CASE("describe-hosts shows capacity after overcommit, allocation, builds and cached images") {
  // This test verifies the capacity figures (cpu ratio 4 by default), allocation and building
  // counts from the usage table and the image count the agent reported.
  CoreHarness h;
  HostDirectory hosts(h.core(), h.image_index(), h.host_records());
  const std::string host = h.AddHost("host-a", 8, 16384, 200);
  const std::string image = h.AddImage();
  REQUIRE(h.launcher().Run(h.Ctx(), RunRequest(image, "g1.medium", 2, 2)).ok());
  agent::v1::Heartbeat heartbeat;
  heartbeat.add_cached_blobs(std::string(64, 'a'));
  heartbeat.add_cached_blobs(std::string(64, 'b'));
  REQUIRE(hosts.Heartbeat(host, heartbeat).ok());

  auto described = hosts.Describe(h.Ctx(), {"host-a"});
  REQUIRE(described.ok());
  const v1::Host& hd = described->hosts(0);
  CHECK(hd.vcpu_capacity() == 32.0);
  CHECK(hd.memory_capacity_mib() == 16384.0);
  CHECK(hd.disk_capacity_gib() == 200.0);
  CHECK(hd.allocated_vcpus() == 4);
  CHECK(hd.allocated_memory_mib() == 8192);
  CHECK(hd.instance_count() == 2);
  CHECK(hd.building_count() == 2);
  CHECK(hd.cached_image_count() == 2);
  CHECK(h.image_index().Has(host, std::string(64, 'a')));
}

TEST_CASE("availability zones sum their hosts' capacity and allocation") {
  // This test verifies DescribeAvailabilityZones: one entry per zone, capacity only from hosts
  // that are up and enabled, allocation from all, state unavailable when no host can take
  // instances, filtering by name and an unknown zone refused.
  CoreHarness h;
  HostDirectory hosts(h.core(), h.image_index(), h.host_records());
  h.AddHost("host-a", 8, 16384, 200, "az-1");
  h.AddHost("host-b", 4, 8192, 100, "az-1");
  h.AddHost("host-c", 4, 8192, 100, "az-2");
  const std::string image = h.AddImage();
  auto request = RunRequest(image, "g1.small", 1, 1);
  request.mutable_placement()->set_availability_zone("az-2");
  REQUIRE(h.launcher().Run(h.Ctx(), request).ok());
  REQUIRE(hosts.SetEnabled(h.Ctx(), "host-c", false, "").ok());

  auto zones = hosts.DescribeZones(h.Ctx(), {});
  REQUIRE(zones.ok());
  REQUIRE(zones->availability_zones_size() == 2);
  const v1::AvailabilityZone& az1 = zones->availability_zones(0);
  CHECK(az1.zone_name() == "az-1");
  CHECK(az1.state() == "available");
  CHECK(az1.host_count() == 2);
  CHECK(az1.hosts_available() == 2);
  CHECK(az1.vcpu_capacity() == 48.0);
  CHECK(az1.memory_capacity_mib() == 24576.0);
  const v1::AvailabilityZone& az2 = zones->availability_zones(1);
  CHECK(az2.state() == "unavailable");
  CHECK(az2.instance_count() == 1);
  CHECK(az2.allocated_memory_mib() == 2048);
  CHECK(az2.vcpu_capacity() == 0.0);

  auto one = hosts.DescribeZones(h.Ctx(), {"az-2"});
  REQUIRE(one.ok());
  CHECK(one->availability_zones_size() == 1);
  CHECK(ErrorFieldOf(hosts.DescribeZones(h.Ctx(), {"az-9"}).status()) == "ZoneNames");

  // Launching into an unknown zone is a parameter error, not a capacity error.
  request.mutable_placement()->set_availability_zone("az-9");
  auto unknown = h.launcher().Run(h.Ctx(), request);
  REQUIRE_FALSE(unknown.ok());
  CHECK(ErrorCodeOf(unknown.status()) == "InvalidParameterValue");
  CHECK(ErrorFieldOf(unknown.status()) == "Placement.AvailabilityZone");
}

}  // namespace gureum::controller

namespace gureum::controller {

TEST_CASE("a host silent for longer than the TTL becomes unreachable until it heartbeats again") {
  // This test verifies the heartbeat TTL: within the TTL nothing changes; past it the host is
  // unreachable (event with the silence and the TTL) and its instances' status unknown but their
  // state kept; a heartbeat brings it back up; a host whose stream closed is unreachable at once.
  testing::CoreHarness h;
  HostDirectory hosts(h.core(), h.image_index(), h.host_records());
  const std::string host = h.AddHost("host-a");
  const std::string image = h.AddImage();
  auto launched = h.launcher().Run(h.Ctx(), testing::RunRequest(image));
  REQUIRE(launched.ok());
  const std::string id = launched->instances(0).instance_id();
  h.ForceState(id, "running", "running");

  h.clock().Advance(std::chrono::milliseconds(9000));
  CHECK(hosts.ExpireSilentHosts(h.clock().NowMillis(), 10000).value() == 0);
  h.clock().Advance(std::chrono::milliseconds(2000));
  CHECK(hosts.ExpireSilentHosts(h.clock().NowMillis(), 10000).value() == 1);
  CHECK(hosts.ExpireSilentHosts(h.clock().NowMillis(), 10000).value() == 0);  // once
  CHECK(h.Instance(id)->host_state == "unreachable");
  CHECK(h.Instance(id)->state == "running");
  auto events = h.EventsOf(host);
  CHECK(events.back().to_state == "unreachable");
  CHECK_THAT(events.back().message, Catch::Contains("no heartbeat for 11 s (TTL 10 s)"));

  REQUIRE(hosts.Heartbeat(host, agent::v1::Heartbeat()).ok());
  CHECK(h.Instance(id)->host_state == "up");
  CHECK(h.EventsOf(host).back().message == "host host-a is up: heartbeats resumed");

  REQUIRE(hosts.MarkUnreachable(host, "agent disconnected").ok());
  CHECK(h.Instance(id)->host_state == "unreachable");
  CHECK(h.Instance(id)->state == "running");
}

}  // namespace gureum::controller
