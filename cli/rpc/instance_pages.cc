#include "cli/rpc/instance_pages.h"

#include <algorithm>
#include <set>

namespace gureum::cli {
namespace {

// The API's own ceiling on max_results.
constexpr int kMaxPageSize = 1000;

}  // namespace

RpcResult<v1::DescribeInstancesResponse> DescribeInstancePages(ComputeClient& client,
                                                               v1::DescribeInstancesRequest request,
                                                               const PageLimits& limits) {
  RpcResult<v1::DescribeInstancesResponse> all;
  all.operation = "DescribeInstances";
  std::set<std::string> tokens_seen;
  while (true) {
    int page = limits.page_size > 0 ? std::min(limits.page_size, kMaxPageSize) : 0;
    if (limits.max_items > 0) {
      // Never ask for more than is still wanted, so next_token stays an exact resume
      // point instead of one in the middle of a page.
      int remaining = limits.max_items - all.response.instances_size();
      page = std::min(page > 0 ? page : kMaxPageSize, remaining);
    }
    request.set_max_results(page);
    auto result = client.DescribeInstances(request);
    if (!result.ok()) {
      all.status = result.status;
      return all;
    }
    for (auto& instance : *result.response.mutable_instances()) {
      *all.response.add_instances() = std::move(instance);
    }
    const std::string& next = result.response.next_token();
    if (next.empty()) return all;
    if (!tokens_seen.insert(next).second) {
      all.status = grpc::Status(grpc::StatusCode::INTERNAL,
                                "the server returned next_token '" + next + "' twice");
      return all;
    }
    if (limits.max_items > 0 && all.response.instances_size() >= limits.max_items) {
      all.response.set_next_token(next);
      return all;
    }
    request.set_next_token(next);
  }
}

}  // namespace gureum::cli
