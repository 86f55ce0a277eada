// DescribeInstances across pages: follows next_token until the last page or until
// max_items instances are in hand. Thread-compatible (uses the caller's client).
#pragma once

#include "cli/rpc/compute_client.h"

namespace gureum::cli {

struct PageLimits {
  int max_items = 0;  // 0 = every instance
  int page_size = 0;  // 0 = the server's default page size
};

// The instances of every page fetched, in order. When max_items stopped the walk
// early, next_token is where to resume (--starting-token); otherwise it is empty.
// The request's own next_token is where the walk starts.
RpcResult<v1::DescribeInstancesResponse> DescribeInstancePages(ComputeClient& client,
                                                               v1::DescribeInstancesRequest request,
                                                               const PageLimits& limits);

}  // namespace gureum::cli
