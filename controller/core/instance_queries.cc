#include "controller/core/instance_queries.h"

#include <absl/strings/escaping.h>
#include <absl/strings/numbers.h>

#include "common/api_error.h"
#include "controller/core/instance_list_builder.h"
#include "controller/core/instance_power.h"

namespace gureum::controller {

std::string InstanceQueries::EncodeNextToken(int64_t seq) {
  return absl::WebSafeBase64Escape("gureum-page:" + std::to_string(seq));
}

absl::StatusOr<int64_t> InstanceQueries::DecodeNextToken(const std::string& token) {
  std::string decoded;
  int64_t seq = 0;
  const std::string prefix = "gureum-page:";
  if (!absl::WebSafeBase64Unescape(token, &decoded) || decoded.rfind(prefix, 0) != 0 ||
      !absl::SimpleAtoi(decoded.substr(prefix.size()), &seq) || seq < 0) {
    return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidNextToken, "NextToken",
                    "The next token '" + token + "' is not one this API issued");
  }
  return seq;
}

absl::Status InstanceQueries::Describe(const RequestContext& ctx,
                                       const v1::DescribeInstancesRequest& request,
                                       v1::DescribeInstancesResponse* response) {
  InstanceQuery query;
  query.instance_ids.assign(request.instance_ids().begin(), request.instance_ids().end());
  // By id an admin reaches any project's instance (LoadInstances checks access).
  query.project_id = ctx.admin && !query.instance_ids.empty() ? "" : ctx.ListScope();
  for (const auto& filter : request.filters()) {
    auto& values = query.filters[filter.name()];
    values.insert(values.end(), filter.values().begin(), filter.values().end());
  }
  if (!request.next_token().empty()) {
    auto seq = DecodeNextToken(request.next_token());
    if (!seq.ok()) return seq.status();
    query.after_seq = *seq;
  }
  const int page = request.max_results() > 0 ? request.max_results() : 1000;
  query.limit = page + 1;
  return core_.store.Read([&](Repositories& repos) -> absl::Status {
    if (!query.instance_ids.empty() && request.next_token().empty()) {
      // EC2: naming an instance that does not exist is an error, not an empty list.
      auto exist = LoadInstances(repos, ctx, query.instance_ids);
      if (!exist.ok()) return exist.status();
    }
    InstanceListBuilder list(response->mutable_instances(), page);
    list.Fill(repos.instances, query);
    if (list.more()) response->set_next_token(EncodeNextToken(list.last_seq()));
    return absl::OkStatus();
  });
}

}  // namespace gureum::controller
