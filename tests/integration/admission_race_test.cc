// Atomic admission under concurrency: 200 RunInstances at once against a
// quota of 50 and against capacity for 40 admit exactly that many, and usage
// equals a recount of the instances table afterwards.
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/compute_api.h"
#include "tests/integration/fake_hosts.h"

namespace gureum::testing {
namespace {

constexpr int kRequests = 200;
constexpr int kClients = 20;  // each with its own channel

// Sends kRequests RunInstances of one g1.small each from kClients threads at
// once; returns how many of each outcome ("" = admitted).
std::map<std::string, int> Storm(const TestCluster& cluster, const std::string& image) {
  const std::string endpoint = cluster.endpoint();
  std::mutex mutex;
  std::map<std::string, int> outcomes;
  std::atomic<int> next{0};
  std::atomic<int> ready{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      ComputeApi api(endpoint, cluster.admin_key());
      ready++;
      while (ready < kClients) std::this_thread::yield();  // start together
      while (next++ < kRequests) {
        v1::RunInstancesRequest request;
        request.set_image_id(image);
        request.set_instance_type("g1.small");
        request.set_min_count(1);
        request.set_max_count(1);
        v1::RunInstancesResponse response;
        ApiErrorParts r = api.Call(&v1::Compute::Stub::RunInstances, request, &response);
        std::lock_guard lock(mutex);
        outcomes[r.code] += r.code.empty() ? response.instances_size() : 1;
      }
    });
  }
  for (auto& t : clients) t.join();
  return outcomes;
}

// Usage as the controller keeps it and as a recount of the instances table finds it.
void CheckUsageEqualsRecount(TestCluster& cluster, int64_t expected) {
  const std::string live = " FROM instances WHERE state != 'terminated' AND project_id = 'default'";
  CHECK(cluster.QueryInt("SELECT instances FROM project_usage WHERE project_id = 'default'") ==
        expected);
  CHECK(cluster.QueryInt("SELECT COUNT(*)" + live) == expected);
  CHECK(cluster.QueryInt("SELECT vcpus FROM project_usage WHERE project_id = 'default'") ==
        cluster.QueryInt("SELECT COALESCE(SUM(vcpus), 0)" + live));
  CHECK(cluster.QueryInt("SELECT memory_mib FROM project_usage WHERE project_id = 'default'") ==
        cluster.QueryInt("SELECT COALESCE(SUM(memory_mib), 0)" + live));
  CHECK(cluster.QueryInt("SELECT SUM(instances) FROM host_usage") == expected);
}

}  // namespace

TEST_CASE("200 concurrent launches against a quota of 50 admit exactly 50", "[integration]") {
  // This test verifies that quota check and insert are one step: 150 requests are refused with
  // InstanceLimitExceeded, none with anything else, and usage equals the recount, also after
  // terminating 20 of them.
  TestCluster cluster;
  cluster.StartController();
  cluster.AddAgent(FakeHost("host-1", 256, 1048576, 100000));
  cluster.AddAgent(FakeHost("host-2", 256, 1048576, 100000));
  REQUIRE(cluster.WaitForHostsUp(2));
  const std::string image = cluster.ImportImage("tiny");
  ComputeApi api(cluster.endpoint(), cluster.admin_key());
  v1::SetQuotaRequest quota;
  quota.set_resource("instances");
  quota.set_limit(50);
  v1::Quota set;
  REQUIRE(api.Call(&v1::Compute::Stub::SetQuota, quota, &set).code == "");

  auto outcomes = Storm(cluster, image);
  CHECK(outcomes == std::map<std::string, int>{{"", 50}, {"InstanceLimitExceeded", 150}});
  CheckUsageEqualsRecount(cluster, 50);

  v1::DescribeInstancesResponse listed;
  REQUIRE(api.Call(&v1::Compute::Stub::DescribeInstances, v1::DescribeInstancesRequest(), &listed)
              .code == "");
  REQUIRE(listed.instances_size() == 50);
  v1::TerminateInstancesRequest terminate;
  for (int i = 0; i < 20; ++i) terminate.add_instance_ids(listed.instances(i).instance_id());
  v1::InstanceStateChangeResponse changes;
  REQUIRE(api.Call(&v1::Compute::Stub::TerminateInstances, terminate, &changes).code == "");
  REQUIRE(Eventually(
      [&] {
        return cluster.QueryInt("SELECT COUNT(*) FROM instances WHERE state = 'terminated'") == 20;
      },
      std::chrono::seconds(30)));
  CheckUsageEqualsRecount(cluster, 30);
  v1::DescribeQuotasResponse quotas;
  REQUIRE(api.Call(&v1::Compute::Stub::DescribeQuotas, v1::DescribeQuotasRequest(), &quotas).code ==
          "");
  CHECK(quotas.quotas(0).resource() == "instances");
  CHECK(quotas.quotas(0).usage() == 30);
}

TEST_CASE("200 concurrent launches against capacity for 40 admit exactly 40", "[integration]") {
  // This test verifies that placement and the capacity claim are one step: five hosts with room
  // for 8 g1.small each take exactly 40, the other 160 get InsufficientInstanceCapacity, no host
  // is overfilled, and usage equals the recount.
  TestCluster cluster;
  cluster.AddControllerArgs({"--default-quota", "instances=-1", "--default-quota", "vcpus=-1",
                             "--default-quota", "memory-mib=-1", "--default-quota", "disk-gib=-1"});
  cluster.StartController();
  for (int i = 1; i <= 5; ++i) cluster.AddAgent(FakeHost("host-" + std::to_string(i), 64, 16384));
  REQUIRE(cluster.WaitForHostsUp(5));
  const std::string image = cluster.ImportImage("tiny");

  auto outcomes = Storm(cluster, image);
  CHECK(outcomes == std::map<std::string, int>{{"", 40}, {"InsufficientInstanceCapacity", 160}});
  CheckUsageEqualsRecount(cluster, 40);
  CHECK(cluster.QueryInt("SELECT MAX(memory_mib) FROM host_usage") <= 16384);
  CHECK(cluster.QueryInt("SELECT COUNT(*) FROM host_usage WHERE instances = 8") == 5);
}

}  // namespace gureum::testing

namespace gureum::testing {

TEST_CASE("overload is refused with RequestLimitExceeded, not queued", "[integration]") {
  // This test verifies the in-flight bound: with room for one call at a time, 20 clients calling
  // at once get answers that are either results or RequestLimitExceeded, never another error, and
  // both kinds occur, for a call on gRPC's synchronous API (DescribeInstanceTypes) and for
  // DescribeInstances, which waits for a read thread of its own and must not queue there instead.
  TestCluster cluster;
  cluster.AddControllerArgs({"--max-inflight-requests", "1"});
  cluster.StartController();
  std::mutex mutex;
  std::map<std::string, int> types_outcomes;
  std::map<std::string, int> instances_outcomes;
  std::atomic<int> ready{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      ComputeApi api(cluster.endpoint(), cluster.admin_key());
      ready++;
      while (ready < kClients) std::this_thread::yield();
      for (int i = 0; i < 40; ++i) {
        if (i % 2 == 0) {
          v1::DescribeInstanceTypesResponse response;
          ApiErrorParts r = api.Call(&v1::Compute::Stub::DescribeInstanceTypes,
                                     v1::DescribeInstanceTypesRequest(), &response);
          std::lock_guard lock(mutex);
          types_outcomes[r.code]++;
        } else {
          v1::DescribeInstancesResponse response;
          ApiErrorParts r = api.Call(&v1::Compute::Stub::DescribeInstances,
                                     v1::DescribeInstancesRequest(), &response);
          std::lock_guard lock(mutex);
          instances_outcomes[r.code]++;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  for (auto* outcomes : {&types_outcomes, &instances_outcomes}) {
    INFO("outcomes: ok " << (*outcomes)[""] << ", refused " << (*outcomes)["RequestLimitExceeded"]);
    CHECK((*outcomes)[""] > 0);
    CHECK((*outcomes)["RequestLimitExceeded"] > 0);
    CHECK((*outcomes)[""] + (*outcomes)["RequestLimitExceeded"] == kClients * 20);
  }
}

}  // namespace gureum::testing
