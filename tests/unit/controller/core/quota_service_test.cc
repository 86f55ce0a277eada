#include "controller/core/quota_service.h"

#include <string>

#include <catch2/catch.hpp>

#include "common/api_error.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::CoreHarness;
using testing::RunRequest;

v1::SetQuotaRequest SetRequest(const std::string& resource, int64_t limit) {
  v1::SetQuotaRequest request;
  request.set_resource(resource);
  request.set_limit(limit);
  return request;
}

}  // namespace

TEST_CASE("describe-quotas lists the four quotas with limits and exact usage") {
  // This test verifies that DescribeQuotas shows defaults, a limit an admin set, and the usage of
  // the project's instances that are not terminated.
  CoreHarness h;
  QuotaPolicy policy;
  QuotaService quotas(h.core(), policy);
  h.AddHost("host-a", 16, 65536, 1000);
  const std::string image = h.AddImage();
  REQUIRE(h.launcher().Run(h.Ctx(), RunRequest(image, "g1.medium", 2, 2)).ok());
  REQUIRE(quotas.Set(h.Ctx(), SetRequest("vcpus", 64)).ok());

  auto described = quotas.Describe(h.Ctx(), v1::DescribeQuotasRequest());
  REQUIRE(described.ok());
  REQUIRE(described->quotas_size() == 4);
  const auto& q = described->quotas();
  CHECK(q[0].resource() == "instances");
  CHECK(q[0].limit() == QuotaPolicy::BuiltInDefaults().instances);
  CHECK(q[0].usage() == 2);
  CHECK(q[1].resource() == "vcpus");
  CHECK(q[1].limit() == 64);
  CHECK(q[1].usage() == 4);
  CHECK(q[2].resource() == "memory-mib");
  CHECK(q[2].usage() == 8192);
  CHECK(q[3].resource() == "disk-gib");
  CHECK(q[3].usage() == 64);
  CHECK(q[0].project_id() == "default");
}

TEST_CASE("set-quota records an event and binds later launches") {
  // This test verifies that SetQuota is recorded (from and to values) and that the launcher then
  // admits only what the quota allows between min and max count, and nothing below min count.
  CoreHarness h;
  QuotaPolicy policy;
  QuotaService quotas(h.core(), policy);
  h.AddHost("host-a", 64, 262144, 10000);
  const std::string image = h.AddImage();
  auto set = quotas.Set(h.Ctx(), SetRequest("instances", 3));
  REQUIRE(set.ok());
  CHECK(set->limit() == 3);
  auto events = h.EventsOf("default/instances");
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == "quota.set");
  CHECK(events[0].to_state == "3");

  auto some = h.launcher().Run(h.Ctx(), RunRequest(image, "g1.nano", 2, 5));
  REQUIRE(some.ok());
  CHECK(some->instances_size() == 3);
  const int64_t last_event = h.LastEvent();
  auto refused = h.launcher().Run(h.Ctx(), RunRequest(image, "g1.nano", 1, 1));
  REQUIRE_FALSE(refused.ok());
  CHECK(ErrorCodeOf(refused.status()) == "InstanceLimitExceeded");
  CHECK_THAT(std::string(refused.status().message()),
             Catch::Contains("is 3 and 3 is in use: room for 0 more instance(s)"));
  CHECK(h.InstanceCount() == 3);
  CHECK(h.LastEvent() == last_event);

  // Terminating one frees room for one.
  h.ForceState(some->instances(0).instance_id(), "terminated", "terminated");
  CHECK(h.launcher().Run(h.Ctx(), RunRequest(image, "g1.nano", 1, 1)).ok());
}

TEST_CASE("a dry run beyond a quota answers with the quota error") {
  // This test verifies that --dry-run checks quotas too (and writes nothing).
  CoreHarness h;
  QuotaPolicy policy;
  QuotaService quotas(h.core(), policy);
  h.AddHost("host-a", 64, 262144, 10000);
  const std::string image = h.AddImage();
  REQUIRE(quotas.Set(h.Ctx(), SetRequest("vcpus", 1)).ok());
  auto request = RunRequest(image, "g1.medium", 1, 1);
  request.set_dry_run(true);
  auto r = h.launcher().Run(h.Ctx(), request);
  REQUIRE_FALSE(r.ok());
  CHECK(ErrorCodeOf(r.status()) == "VcpuLimitExceeded");
  CHECK(h.InstanceCount() == 0);
}

}  // namespace gureum::controller
