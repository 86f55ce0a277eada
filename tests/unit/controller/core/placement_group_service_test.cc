#include "controller/core/placement_group_service.h"

#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "common/api_error.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::CoreHarness;
using testing::RunRequest;

v1::CreatePlacementGroupRequest CreateRequest(const std::string& name,
                                              const std::string& strategy) {
  v1::CreatePlacementGroupRequest request;
  request.set_group_name(name);
  request.set_strategy(strategy);
  return request;
}

v1::RunInstancesRequest InGroup(const std::string& image, const std::string& group, int count) {
  v1::RunInstancesRequest request = RunRequest(image, "g1.nano", count, count);
  request.mutable_placement()->set_group_name(group);
  return request;
}

}  // namespace

TEST_CASE("placement groups are created once per name, described and deleted") {
  // This test verifies create (id, strategy, tags, event), duplicate names refused, describe by
  // name and id and all, delete, and unknown names refused with InvalidPlacementGroup.Unknown.
  CoreHarness h;
  PlacementGroupService groups(h.core());
  auto request = CreateRequest("web", "spread");
  auto* tag = request.add_tags();
  tag->set_key("team");
  tag->set_value("edge");
  auto created = groups.Create(h.Ctx(), request);
  REQUIRE(created.ok());
  CHECK(created->group_id().rfind("pg-", 0) == 0);
  CHECK(created->strategy() == "spread");
  CHECK(created->state() == "available");
  CHECK(created->tags(0).key() == "team");
  CHECK(h.EventsOf(created->group_id()).at(0).type == "placement-group.created");

  auto duplicate = groups.Create(h.Ctx(), CreateRequest("web", "cluster"));
  REQUIRE_FALSE(duplicate.ok());
  CHECK(ErrorCodeOf(duplicate.status()) == "InvalidPlacementGroup.Duplicate");
  REQUIRE(groups.Create(h.Ctx(), CreateRequest("hpc", "cluster")).ok());

  auto all = groups.Describe(h.Ctx(), v1::DescribePlacementGroupsRequest());
  REQUIRE(all.ok());
  REQUIRE(all->placement_groups_size() == 2);
  CHECK(all->placement_groups(0).group_name() == "hpc");
  v1::DescribePlacementGroupsRequest by_id;
  by_id.add_group_ids(created->group_id());
  CHECK(groups.Describe(h.Ctx(), by_id)->placement_groups(0).group_name() == "web");
  v1::DescribePlacementGroupsRequest unknown;
  unknown.add_group_names("nope");
  CHECK(ErrorCodeOf(groups.Describe(h.Ctx(), unknown).status()) == "InvalidPlacementGroup.Unknown");

  v1::DeletePlacementGroupRequest del;
  del.set_group_name("hpc");
  REQUIRE(groups.Delete(h.Ctx(), del).ok());
  CHECK(groups.Describe(h.Ctx(), v1::DescribePlacementGroupsRequest())->placement_groups_size() ==
        1);
  CHECK(ErrorCodeOf(groups.Delete(h.Ctx(), del)) == "InvalidPlacementGroup.Unknown");
  // Groups are per project.
  CHECK(groups.Describe(h.Ctx("other"), v1::DescribePlacementGroupsRequest())
            ->placement_groups_size() == 0);
}

TEST_CASE("instances launched into a spread group land on distinct hosts; the group is in use") {
  // This test verifies the launcher with a spread group: members go one per host, carry the
  // group's name, count in describe, a second launch that would need a used host fails as a whole,
  // and the group cannot be deleted until its instances are terminated.
  CoreHarness h;
  PlacementGroupService groups(h.core());
  h.AddHost("host-a");
  h.AddHost("host-b");
  h.AddHost("host-c");
  const std::string image = h.AddImage();
  REQUIRE(groups.Create(h.Ctx(), CreateRequest("web", "spread")).ok());

  auto first = h.launcher().Run(h.Ctx(), InGroup(image, "web", 2));
  REQUIRE(first.ok());
  std::set<std::string> hosts;
  for (const auto& i : first->instances()) {
    hosts.insert(i.placement().host_id());
    CHECK(i.placement().group_name() == "web");
  }
  CHECK(hosts.size() == 2);

  auto too_many = h.launcher().Run(h.Ctx(), InGroup(image, "web", 2));
  REQUIRE_FALSE(too_many.ok());
  CHECK(ErrorCodeOf(too_many.status()) == "InsufficientInstanceCapacity");
  CHECK_THAT(std::string(too_many.status().message()),
             Catch::Contains("PlacementGroupFilter removed 3"));
  CHECK(h.InstanceCount() == 2);
  REQUIRE(h.launcher().Run(h.Ctx(), InGroup(image, "web", 1)).ok());

  auto described = groups.Describe(h.Ctx(), v1::DescribePlacementGroupsRequest());
  CHECK(described->placement_groups(0).instance_count() == 3);
  v1::DeletePlacementGroupRequest del;
  del.set_group_name("web");
  auto in_use = groups.Delete(h.Ctx(), del);
  CHECK(ErrorCodeOf(in_use) == "InvalidPlacementGroup.InUse");
  CHECK_THAT(std::string(in_use.message()), Catch::Contains("in use by 3 instance(s)"));
  for (const auto& id : h.AllInstanceIds()) h.ForceState(id, "terminated", "terminated");
  CHECK(groups.Delete(h.Ctx(), del).ok());
}

TEST_CASE("a cluster group's instances share a host; an unknown group is refused") {
  // This test verifies that cluster members go to one host while it has room (although the
  // default weighers spread other instances), and that naming an unknown group fails with
  // InvalidPlacementGroup.Unknown on Placement.GroupName.
  CoreHarness h;
  PlacementGroupService groups(h.core());
  h.AddHost("host-a");
  h.AddHost("host-b");
  const std::string image = h.AddImage();
  REQUIRE(groups.Create(h.Ctx(), CreateRequest("hpc", "cluster")).ok());
  auto launched = h.launcher().Run(h.Ctx(), InGroup(image, "hpc", 4));
  REQUIRE(launched.ok());
  std::set<std::string> hosts;
  for (const auto& i : launched->instances()) hosts.insert(i.placement().host_id());
  CHECK(hosts.size() == 1);
  auto more = h.launcher().Run(h.Ctx(), InGroup(image, "hpc", 1));
  REQUIRE(more.ok());
  CHECK(more->instances(0).placement().host_id() == *hosts.begin());

  auto unknown = h.launcher().Run(h.Ctx(), InGroup(image, "nope", 1));
  REQUIRE_FALSE(unknown.ok());
  CHECK(ErrorCodeOf(unknown.status()) == "InvalidPlacementGroup.Unknown");
  CHECK(ErrorFieldOf(unknown.status()) == "Placement.GroupName");
}

}  // namespace gureum::controller
