#include "controller/core/instance_queries.h"

#include <set>
#include <string>
#include <vector>

#include <absl/strings/escaping.h>
#include <catch2/catch.hpp>

#include "common/api_error.h"
#include "controller/core/instance_launcher.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::CoreHarness;

class QueryHarness : public CoreHarness {
 public:
  QueryHarness() : queries_(core()) {
    AddHost("host-a", 64, 1 << 20, 10000);
    image_ = AddImage();
  }

  std::vector<std::string> Launch(int count, const std::string& project = "default") {
    auto response =
        launcher().Run(Ctx(project), testing::RunRequest(image_, "g1.nano", count, count));
    if (!response.ok()) throw std::runtime_error(response.status().ToString());
    std::vector<std::string> ids;
    for (const auto& i : response->instances()) ids.push_back(i.instance_id());
    return ids;
  }

  absl::StatusOr<v1::DescribeInstancesResponse> Describe(
      const RequestContext& ctx, const v1::DescribeInstancesRequest& request) {
    v1::DescribeInstancesResponse response;
    if (auto s = queries_.Describe(ctx, request, &response); !s.ok()) return s;
    return response;
  }

 private:
  InstanceQueries queries_;
  std::string image_;
};

}  // namespace

TEST_CASE("paging with max results and next tokens returns every instance exactly once") {
  // This test verifies that pages of max_results come in launch order with a next token on every
  // page but the last, and together cover every instance of the project once.
  QueryHarness h;
  std::vector<std::string> expected = h.Launch(4);
  for (const auto& id : h.Launch(3)) expected.push_back(id);

  for (int page_size : {1, 3, 7, 10}) {
    INFO("page size " << page_size);
    v1::DescribeInstancesRequest request;
    request.set_max_results(page_size);
    std::vector<std::string> seen;
    int pages = 0;
    for (;;) {
      auto page = h.Describe(h.Ctx(), request);
      REQUIRE(page.ok());
      ++pages;
      REQUIRE(page->instances_size() <= page_size);
      for (const auto& i : page->instances()) seen.push_back(i.instance_id());
      if (page->next_token().empty()) break;
      REQUIRE(pages < 20);
      request.set_next_token(page->next_token());
    }
    CHECK(seen == expected);
    CHECK(pages == (7 + page_size - 1) / page_size);
  }

  v1::DescribeInstancesRequest everything;
  auto all = h.Describe(h.Ctx(), everything);
  REQUIRE(all.ok());
  CHECK(all->instances_size() == 7);
  CHECK(all->next_token().empty());
}

TEST_CASE("pages stay stable while instances are added between them") {
  // This test verifies that the next token is a position, not an offset: an
  // instance launched between pages is seen once, at the end.
  QueryHarness h;
  std::vector<std::string> expected = h.Launch(4);
  v1::DescribeInstancesRequest request;
  request.set_max_results(2);
  auto first = h.Describe(h.Ctx(), request);
  REQUIRE(first.ok());
  REQUIRE(first->instances_size() == 2);
  expected.push_back(h.Launch(1)[0]);

  std::vector<std::string> seen = {first->instances(0).instance_id(),
                                   first->instances(1).instance_id()};
  request.set_next_token(first->next_token());
  for (int guard = 0; guard < 10 && !request.next_token().empty(); ++guard) {
    auto page = h.Describe(h.Ctx(), request);
    REQUIRE(page.ok());
    for (const auto& i : page->instances()) seen.push_back(i.instance_id());
    request.set_next_token(page->next_token());
  }
  CHECK(seen == expected);
}

TEST_CASE("a next token this API did not issue is InvalidNextToken") {
  // This test verifies that garbage, foreign base64 and negative positions
  // are refused, and that issued tokens decode to their position.
  QueryHarness h;
  h.Launch(1);
  for (const std::string& token : {std::string("not a token!"), absl::WebSafeBase64Escape("hello"),
                                   absl::WebSafeBase64Escape("gureum-page:-5"),
                                   absl::WebSafeBase64Escape("gureum-page:abc")}) {
    INFO("token " << token);
    v1::DescribeInstancesRequest request;
    request.set_next_token(token);
    auto r = h.Describe(h.Ctx(), request);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(ErrorCodeOf(r.status()) == "InvalidNextToken");
    CHECK(ErrorFieldOf(r.status()) == "NextToken");
  }
  auto seq = InstanceQueries::DecodeNextToken(InstanceQueries::EncodeNextToken(12345));
  REQUIRE(seq.ok());
  CHECK(*seq == 12345);
}

TEST_CASE("describing an instance id that does not exist is InvalidInstanceID.NotFound") {
  // This test verifies that naming a missing instance is an error that names it, not an empty
  // result, as in EC2.
  QueryHarness h;
  const std::string known = h.Launch(1)[0];
  v1::DescribeInstancesRequest request;
  request.add_instance_ids(known);
  request.add_instance_ids("i-0123456789abcdef0");
  auto r = h.Describe(h.Ctx(), request);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == absl::StatusCode::kNotFound);
  CHECK(ErrorCodeOf(r.status()) == "InvalidInstanceID.NotFound");
  CHECK_THAT(std::string(r.status().message()), Catch::Contains("i-0123456789abcdef0"));

  v1::DescribeInstancesRequest just_known;
  just_known.add_instance_ids(known);
  auto ok = h.Describe(h.Ctx(), just_known);
  REQUIRE(ok.ok());
  REQUIRE(ok->instances_size() == 1);
  CHECK(ok->instances(0).instance_id() == known);
}

TEST_CASE("describing instances applies filters and stays within the caller's project") {
  // This test verifies that request filters reach the query and that another
  // project's instances are not listed.
  QueryHarness h;
  std::vector<std::string> mine = h.Launch(3);
  h.Launch(2, "other-project");
  h.ForceState(mine[1], "running", "running");

  v1::DescribeInstancesRequest request;
  auto* filter = request.add_filters();
  filter->set_name("instance-state-name");
  filter->add_values("running");
  auto r = h.Describe(h.Ctx(), request);
  REQUIRE(r.ok());
  REQUIRE(r->instances_size() == 1);
  CHECK(r->instances(0).instance_id() == mine[1]);
  CHECK(r->instances(0).state().code() == 16);
  CHECK(r->instances(0).instance_status() == "ok");

  v1::DescribeInstancesRequest all;
  auto everything = h.Describe(h.Ctx(), all);
  REQUIRE(everything.ok());
  CHECK(everything->instances_size() == 3);
  for (const auto& i : everything->instances()) CHECK(i.owner_id() == "default");
}

}  // namespace gureum::controller
