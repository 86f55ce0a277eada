#include "controller/core/instance_launcher.h"

#include "controller/core/agent_report_applier.h"
#include "controller/core/instance_power.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/api_error.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::CoreHarness;
using testing::RunRequest;

// A harness that can also add key pairs.
class LaunchHarness : public CoreHarness {
 public:
  using CoreHarness::CoreHarness;

  void AddKey(const std::string& name, const std::string& public_key,
              const std::string& project = "default") {
    Must(store().Write([&](Repositories& repos) {
      repos.key_pairs.Insert(
          KeyPairRecord{ids().Next("key"), project, name, "ed25519", "SHA256:x", public_key, 1});
      return absl::OkStatus();
    }));
  }
};

// What a failed launch must not have changed.
struct Snapshot {
  int instances;
  int64_t last_event;
  size_t notifications;
};

Snapshot Take(LaunchHarness& h) {
  return Snapshot{h.InstanceCount(), h.LastEvent(), h.notifier().calls().size()};
}

void CheckUnchanged(LaunchHarness& h, const Snapshot& before) {
  Snapshot after = Take(h);
  CHECK(after.instances == before.instances);
  CHECK(after.last_event == before.last_event);
  CHECK(after.notifications == before.notifications);
}

std::vector<std::string> IdsOf(const v1::RunInstancesResponse& response) {
  std::vector<std::string> ids;
  for (const auto& i : response.instances()) ids.push_back(i.instance_id());
  return ids;
}

}  // namespace

TEST_CASE("launching N instances records each pending, placed, announced and told to its host") {
  // This test verifies that a launch of N instances writes N rows in one reservation, each pending
  // with desired running on a registered host with its own address, one launch event per instance,
  // and one notification per host used.
  LaunchHarness h;
  const std::string host_a = h.AddHost("host-a");
  const std::string host_b = h.AddHost("host-b");
  const std::string image = h.AddImage();
  h.notifier().Clear();

  auto response = h.launcher().Run(h.Ctx(), RunRequest(image, "g1.small", 3, 3));
  REQUIRE(response.ok());
  CHECK_THAT(response->reservation_id(), Catch::StartsWith("r-"));
  CHECK(response->owner_id() == "default");
  REQUIRE(response->instances_size() == 3);

  std::set<std::string> used_hosts;
  std::set<std::string> macs;
  for (int i = 0; i < 3; ++i) {
    const v1::Instance& api = response->instances(i);
    INFO("instance " << api.instance_id());
    CHECK(IsWellFormedId("i", api.instance_id()));
    CHECK(api.ami_launch_index() == i);
    CHECK(api.state().name() == "pending");
    CHECK(api.state().code() == 0);
    CHECK(api.reservation_id() == response->reservation_id());

    auto row = h.Instance(api.instance_id());
    REQUIRE(row.has_value());
    CHECK(row->state == "pending");
    CHECK(row->desired_state == "running");
    CHECK(row->image_id == image);
    CHECK(row->instance_type == "g1.small");
    CHECK(row->vcpus == 1);
    CHECK(row->memory_mib == 2048);
    CHECK(row->root_disk_gib == 16);
    CHECK(row->host_id == api.placement().host_id());
    CHECK((row->host_id == host_a || row->host_id == host_b));
    CHECK(row->availability_zone == "az-1");
    CHECK(row->launched_at == h.clock().NowMillis());
    CHECK_THAT(row->mac_address, Catch::StartsWith("52:54:00:"));
    // The default pool is 192.168.122.0/24 minus .1-.9: lowest free first.
    CHECK(row->network == "default");
    CHECK(row->private_ip == "192.168.122." + std::to_string(10 + i));
    CHECK(api.private_ip_address() == row->private_ip);
    used_hosts.insert(row->host_id);
    macs.insert(row->mac_address);

    auto events = h.EventsOf(api.instance_id());
    REQUIRE(events.size() == 1);
    CHECK(events[0].type == "instance.launched");
    CHECK(events[0].to_state == "pending");
    CHECK(events[0].request_id == "req-test");
    CHECK(events[0].actor == "tester");
  }
  CHECK(macs.size() == 3);
  // The default weigher spreads: both hosts get instances.
  CHECK(used_hosts == std::set<std::string>{host_a, host_b});
  CHECK(h.notifier().hosts() == used_hosts);
  CHECK(h.notifier().calls().size() == used_hosts.size());
}

TEST_CASE("a launch between min and max count starts as many instances as fit") {
  // This test verifies that with room for 3 instances, min 2 / max 5 launches 3.
  LaunchHarness h;
  h.AddHost("host-a", 8, 8192);
  h.AddHost("host-b", 8, 4096);
  const std::string image = h.AddImage();

  auto response = h.launcher().Run(h.Ctx(), RunRequest(image, "g1.medium", 2, 5));
  REQUIRE(response.ok());
  CHECK(response->instances_size() == 3);
  CHECK(h.InstanceCount() == 3);
}

TEST_CASE("a launch that cannot reach min count starts nothing and explains the shortfall") {
  // This test verifies that a launch that cannot reach min count is InsufficientInstanceCapacity
  // naming the filter that removed hosts and the closest host's shortfall, and writes nothing.
  LaunchHarness h;
  h.AddHost("host-a", 8, 8192);
  h.AddHost("host-b", 8, 4096);
  const std::string image = h.AddImage();
  Snapshot before = Take(h);

  auto response = h.launcher().Run(h.Ctx(), RunRequest(image, "g1.medium", 4, 5));
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(ErrorCodeOf(response.status()) == "InsufficientInstanceCapacity");
  CHECK(ErrorFieldOf(response.status()) == "MinCount");
  const std::string message(response.status().message());
  CHECK_THAT(message, Catch::Contains("4 instance(s)"));
  CHECK_THAT(message, Catch::Contains("3 fit"));
  CHECK_THAT(message, Catch::Contains("CapacityFilter removed 2"));
  CHECK_THAT(message, Catch::Contains("0 MiB memory free, 4096 requested"));
  CheckUnchanged(h, before);

  h.AddHost("host-c", 8, 1024, 200, "az-2");
  before = Take(h);
  auto zoned = RunRequest(image, "g1.small", 1, 1);
  zoned.mutable_placement()->set_availability_zone("az-2");
  auto full_zone = h.launcher().Run(h.Ctx(), zoned);
  REQUIRE_FALSE(full_zone.ok());
  CHECK(ErrorCodeOf(full_zone.status()) == "InsufficientInstanceCapacity");
  CHECK_THAT(std::string(full_zone.status().message()),
             Catch::Contains("AvailabilityZoneFilter removed 2; CapacityFilter removed 1") &&
                 Catch::Contains("Closest: host-c: 1024 MiB memory free, 2048 requested"));
  // A zone no host is in is a parameter error, not a capacity error.
  zoned.mutable_placement()->set_availability_zone("az-9");
  auto unknown_zone = h.launcher().Run(h.Ctx(), zoned);
  REQUIRE_FALSE(unknown_zone.ok());
  CHECK(ErrorCodeOf(unknown_zone.status()) == "InvalidParameterValue");
  CHECK_THAT(std::string(unknown_zone.status().message()),
             Catch::Contains("Invalid availability zone: [az-9]"));
  CheckUnchanged(h, before);
}

TEST_CASE("a launch with no registered host fails and says so") {
  // This test verifies that a launch with no host at all is InsufficientInstanceCapacity saying no
  // host has registered.
  LaunchHarness h;
  const std::string image = h.AddImage();
  auto response = h.launcher().Run(h.Ctx(), RunRequest(image));
  REQUIRE_FALSE(response.ok());
  CHECK(ErrorCodeOf(response.status()) == "InsufficientInstanceCapacity");
  CHECK_THAT(std::string(response.status().message()), Catch::Contains("no host has registered"));
  CHECK(h.InstanceCount() == 0);
}

TEST_CASE(
    "a launch naming an unknown image, type or key pair fails with EC2's code and writes nothing") {
  // This test verifies that an unknown image, instance type or key pair each fails with its own EC2
  // code and field, and no row, event or notification appears.
  LaunchHarness h;
  h.AddHost("host-a");
  const std::string image = h.AddImage();
  Snapshot before = Take(h);

  SECTION("unknown image") {
    auto r = h.launcher().Run(h.Ctx(), RunRequest("ami-0123456789abcdef0"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == absl::StatusCode::kNotFound);
    CHECK(ErrorCodeOf(r.status()) == "InvalidAMIID.NotFound");
    CHECK(ErrorFieldOf(r.status()) == "ImageId");
    CHECK_THAT(std::string(r.status().message()), Catch::Contains("ami-0123456789abcdef0"));
  }
  SECTION("unknown instance type") {
    auto r = h.launcher().Run(h.Ctx(), RunRequest(image, "g9.galactic"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(ErrorCodeOf(r.status()) == "InvalidParameterValue");
    CHECK(ErrorFieldOf(r.status()) == "InstanceType");
    CHECK_THAT(std::string(r.status().message()), Catch::Contains("g9.galactic"));
  }
  SECTION("unknown key pair") {
    auto request = RunRequest(image);
    request.set_key_name("nobody");
    auto r = h.launcher().Run(h.Ctx(), request);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == absl::StatusCode::kNotFound);
    CHECK(ErrorCodeOf(r.status()) == "InvalidKeyPair.NotFound");
    CHECK(ErrorFieldOf(r.status()) == "KeyName");
    CHECK_THAT(std::string(r.status().message()), Catch::Contains("nobody"));
  }
  SECTION("a key pair of another project") {
    h.AddKey("theirs", "ssh-ed25519 AAAA", "other-project");
    auto request = RunRequest(image);
    request.set_key_name("theirs");
    auto r = h.launcher().Run(h.Ctx(), request);
    CHECK(ErrorCodeOf(r.status()) == "InvalidKeyPair.NotFound");
  }
  SECTION("an image of another project, for a non-admin caller") {
    const std::string theirs = h.AddImage("theirs", 1LL << 30, "other-project");
    RequestContext ctx = h.Ctx();
    ctx.admin = false;
    auto r = h.launcher().Run(ctx, RunRequest(theirs));
    CHECK(ErrorCodeOf(r.status()) == "InvalidAMIID.NotFound");
  }
  SECTION("an image that is not available") {
    h.Must(h.store().Write([&](Repositories& repos) {
      ImageRecord pending = *repos.images.Get(image);
      pending.image_id = "ami-0000000000000bad0";
      pending.name = "still-importing";
      pending.state = "pending";
      repos.images.Insert(pending);
      return absl::OkStatus();
    }));
    auto r = h.launcher().Run(h.Ctx(), RunRequest("ami-0000000000000bad0"));
    CHECK(ErrorCodeOf(r.status()) == "InvalidParameterValue");
    CHECK(ErrorFieldOf(r.status()) == "ImageId");
  }
  CheckUnchanged(h, before);
}

TEST_CASE("a launch with a key pair, user data, tags and a zone stores them on every instance") {
  // This test verifies that the request's optional parts reach the rows: the
  // key pair's public key, raw user data, tags, and placement in the zone asked.
  LaunchHarness h;
  h.AddHost("host-a", 8, 16384, 200, "az-1");
  const std::string host_b = h.AddHost("host-b", 8, 16384, 200, "az-2");
  const std::string image = h.AddImage();
  h.AddKey("laptop", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIlaptop");

  auto request = RunRequest(image, "g1.small", 2, 2);
  request.set_key_name("laptop");
  request.set_user_data(std::string("#cloud-config\n\0\xff", 17));
  auto* tag = request.add_tags();
  tag->set_key("Name");
  tag->set_value("web");
  request.mutable_placement()->set_availability_zone("az-2");
  auto response = h.launcher().Run(h.Ctx(), request);
  REQUIRE(response.ok());
  REQUIRE(response->instances_size() == 2);
  for (const auto& api : response->instances()) {
    auto row = h.Instance(api.instance_id());
    REQUIRE(row.has_value());
    CHECK(row->host_id == host_b);
    CHECK(row->availability_zone == "az-2");
    CHECK(row->key_name == "laptop");
    CHECK(row->public_key == "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIlaptop");
    CHECK(row->user_data == request.user_data());
    CHECK(row->tags == TagList{{"Name", "web"}});
    REQUIRE(api.tags_size() == 1);
    CHECK(api.tags(0).value() == "web");
  }
}

TEST_CASE("an image larger than the type's root disk sizes the disk to the image") {
  // This test verifies that the root disk is at least the image's virtual size,
  // rounded up to whole GiB, and that placement accounts for it.
  LaunchHarness h;
  h.AddHost("host-a", 8, 16384, 100);
  const std::string big = h.AddImage("big", (40LL << 30) + 1);

  auto response = h.launcher().Run(h.Ctx(), RunRequest(big, "g1.medium", 1, 5));
  REQUIRE(response.ok());
  // 41 GiB each on a 100 GiB host: two fit.
  REQUIRE(response->instances_size() == 2);
  CHECK(h.Instance(response->instances(0).instance_id())->root_disk_gib == 41);
}

TEST_CASE("a retried launch with the same client token returns the first reservation") {
  // This test verifies that the same client token and parameters give back the original reservation
  // and instances and create nothing more.
  LaunchHarness h;
  h.AddHost("host-a");
  const std::string image = h.AddImage();
  auto request = RunRequest(image, "g1.small", 2, 2);
  request.set_client_token("retry-me-1");

  auto first = h.launcher().Run(h.Ctx(), request);
  REQUIRE(first.ok());
  const int64_t events_after_first = h.LastEvent();
  h.notifier().Clear();

  auto second = h.launcher().Run(h.Ctx(), request);
  REQUIRE(second.ok());
  CHECK(second->reservation_id() == first->reservation_id());
  CHECK(IdsOf(*second) == IdsOf(*first));
  CHECK(h.InstanceCount() == 2);
  CHECK(h.LastEvent() == events_after_first);
  CHECK(h.notifier().calls().empty());
  for (const auto& api : second->instances()) CHECK(api.client_token() == "retry-me-1");

  // The token belongs to the project: another project's identical request is its own.
  auto other = h.launcher().Run(h.Ctx("other-project"), request);
  REQUIRE(other.ok());
  CHECK(other->reservation_id() != first->reservation_id());
  CHECK(h.InstanceCount() == 4);
}

TEST_CASE("reusing a client token with different parameters is refused") {
  // This test verifies that reusing a client token with other parameters is
  // IdempotentParameterMismatch and creates nothing.
  LaunchHarness h;
  h.AddHost("host-a");
  const std::string image = h.AddImage();
  auto request = RunRequest(image, "g1.small", 1, 1);
  request.set_client_token("tok-42");
  REQUIRE(h.launcher().Run(h.Ctx(), request).ok());
  Snapshot before = Take(h);

  auto changed = request;
  changed.set_instance_type("g1.nano");
  auto r = h.launcher().Run(h.Ctx(), changed);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(ErrorCodeOf(r.status()) == "IdempotentParameterMismatch");
  CHECK(ErrorFieldOf(r.status()) == "ClientToken");
  CHECK_THAT(std::string(r.status().message()), Catch::Contains("tok-42"));

  auto more = request;
  more.set_max_count(2);
  CHECK(ErrorCodeOf(h.launcher().Run(h.Ctx(), more).status()) == "IdempotentParameterMismatch");
  CheckUnchanged(h, before);
}

TEST_CASE("a dry run says it would succeed and writes nothing") {
  // This test verifies that a dry run that would succeed is DryRunOperation and writes no row,
  // event, notification or client token.
  LaunchHarness h;
  h.AddHost("host-a");
  const std::string image = h.AddImage();
  Snapshot before = Take(h);

  auto request = RunRequest(image, "g1.small", 2, 2);
  request.set_dry_run(true);
  request.set_client_token("dry-1");
  auto r = h.launcher().Run(h.Ctx(), request);
  REQUIRE_FALSE(r.ok());
  CHECK(ErrorCodeOf(r.status()) == "DryRunOperation");
  CHECK_THAT(std::string(r.status().message()), Catch::Contains("2 instance(s) would launch"));
  CheckUnchanged(h, before);

  // The token was not consumed: the real request with it goes through.
  request.set_dry_run(false);
  auto real = h.launcher().Run(h.Ctx(), request);
  REQUIRE(real.ok());
  CHECK(real->instances_size() == 2);

  // A dry run that would not succeed reports the real error instead.
  auto bad = RunRequest("ami-0123456789abcdef0");
  bad.set_dry_run(true);
  CHECK(ErrorCodeOf(h.launcher().Run(h.Ctx(), bad).status()) == "InvalidAMIID.NotFound");
}

TEST_CASE("instances get the lowest free addresses and a terminated instance's address is reused") {
  // This test verifies that instances get distinct addresses from the pool, that an empty pool is
  // InsufficientFreeAddressesInSubnet with nothing written, and that a terminated instance's
  // address is reused.
  LaunchHarness h(NetworkConfig{"tiny", "10.1.0.0/29", 2});  // pool .4 .. .6
  h.AddHost("host-a");
  const std::string image = h.AddImage();
  auto first = h.launcher().Run(h.Ctx(), RunRequest(image, "g1.nano", 3, 3));
  REQUIRE(first.ok());
  std::vector<std::string> ips;
  for (const auto& i : first->instances()) ips.push_back(h.Instance(i.instance_id())->private_ip);
  CHECK(ips == std::vector<std::string>{"10.1.0.4", "10.1.0.5", "10.1.0.6"});
  CHECK(h.Instance(first->instances(0).instance_id())->network == "tiny");

  Snapshot before = Take(h);
  auto full = h.launcher().Run(h.Ctx(), RunRequest(image, "g1.nano"));
  REQUIRE_FALSE(full.ok());
  CHECK(full.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(ErrorCodeOf(full.status()) == "InsufficientFreeAddressesInSubnet");
  CHECK_THAT(std::string(full.status().message()), Catch::Contains("tiny"));
  CheckUnchanged(h, before);

  // Terminate the instance holding .5 the way it really ends: user request,
  // then the agent reports it gone.
  const std::string middle = first->instances(1).instance_id();
  InstancePower power(h.core());
  REQUIRE(power.Terminate(h.Ctx(), {middle}).ok());
  google::protobuf::RepeatedPtrField<agent::v1::ObservedInstance> report;
  report.Add()->set_instance_id(middle);
  report.Mutable(0)->set_state(agent::v1::OBSERVED_ABSENT);
  REQUIRE(AgentReportApplier(h.core()).Apply(h.Instance(middle)->host_id, "host-a", report).ok());
  REQUIRE(h.Instance(middle)->state == "terminated");

  auto again = h.launcher().Run(h.Ctx(), RunRequest(image, "g1.nano"));
  REQUIRE(again.ok());
  CHECK(h.Instance(again->instances(0).instance_id())->private_ip == "10.1.0.5");
}

TEST_CASE("a launch between min and max count is limited by free addresses as by capacity") {
  // This test verifies that min/max count applies to the address pool too: with
  // room on hosts for 5 but 3 free addresses, min 1 / max 5 launches 3 instead
  // of failing.
  LaunchHarness h(NetworkConfig{"tiny", "10.1.0.0/29", 2});
  h.AddHost("host-a");
  auto r = h.launcher().Run(h.Ctx(), RunRequest(h.AddImage(), "g1.nano", 1, 5));
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  CHECK(r->instances_size() == 3);
}

}  // namespace gureum::controller
