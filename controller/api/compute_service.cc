#include "controller/api/compute_service.h"

#include <spdlog/spdlog.h>

#include "common/api_error.h"
#include "controller/core/instance_view.h"

namespace gureum::controller {
namespace {

// Runs a core call returning StatusOr<T> into `out`, logging failures.
template <typename T>
grpc::Status Reply(const RequestContext& ctx, const char* op, absl::StatusOr<T> result, T* out) {
  if (!result.ok()) {
    spdlog::info("{} {} failed: {}", ctx.request_id, op, result.status().ToString());
    return ToGrpcStatus(result.status(), ctx.request_id);
  }
  *out = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status Fail(const RequestContext& ctx, const char* op, const absl::Status& status) {
  if (!status.ok()) spdlog::info("{} {} failed: {}", ctx.request_id, op, status.ToString());
  return ToGrpcStatus(status, ctx.request_id);
}

std::vector<std::string> Ids(const google::protobuf::RepeatedPtrField<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

absl::Status DryRunOk() {
  return ApiError(absl::StatusCode::kFailedPrecondition, errc::kDryRunOperation, "DryRun",
                  "Request would have succeeded, but DryRun flag is set");
}

}  // namespace

RequestContext ComputeService::Identify(grpc::ServerContext* context) {
  RequestContext ctx;
  ctx.request_id = "req-" + c_.core.ids.Hex(16);
  context->AddInitialMetadata("x-gureum-request-id", ctx.request_id);
  return ctx;
}

grpc::Status ComputeService::RunInstances(grpc::ServerContext* context,
                                          const v1::RunInstancesRequest* request,
                                          v1::RunInstancesResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "RunInstances", limiter_.Refusal());
  v1::RunInstancesRequest req = *request;
  if (auto s = validator_.RunInstances(req); !s.ok()) return Fail(ctx, "RunInstances", s);
  return Reply(ctx, "RunInstances", c_.launcher.Run(ctx, req), response);
}

grpc::Status ComputeService::DescribeInstances(grpc::ServerContext* context,
                                               const v1::DescribeInstancesRequest* request,
                                               v1::DescribeInstancesResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "DescribeInstances", limiter_.Refusal());
  if (auto s = validator_.DescribeInstances(*request); !s.ok()) {
    return Fail(ctx, "DescribeInstances", s);
  }
  return Reply(ctx, "DescribeInstances", c_.queries.Describe(ctx, *request), response);
}

grpc::Status ComputeService::StartInstances(grpc::ServerContext* context,
                                            const v1::StartInstancesRequest* request,
                                            v1::InstanceStateChangeResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "StartInstances", limiter_.Refusal());
  if (auto s = validator_.InstanceIds(request->instance_ids()); !s.ok()) {
    return Fail(ctx, "StartInstances", s);
  }
  if (request->dry_run()) return Fail(ctx, "StartInstances", DryRunOk());
  return Reply(ctx, "StartInstances", c_.power.Start(ctx, Ids(request->instance_ids())), response);
}

grpc::Status ComputeService::StopInstances(grpc::ServerContext* context,
                                           const v1::StopInstancesRequest* request,
                                           v1::InstanceStateChangeResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "StopInstances", limiter_.Refusal());
  if (auto s = validator_.InstanceIds(request->instance_ids()); !s.ok()) {
    return Fail(ctx, "StopInstances", s);
  }
  if (request->dry_run()) return Fail(ctx, "StopInstances", DryRunOk());
  return Reply(ctx, "StopInstances",
               c_.power.Stop(ctx, Ids(request->instance_ids()), request->force()), response);
}

grpc::Status ComputeService::RebootInstances(grpc::ServerContext* context,
                                             const v1::RebootInstancesRequest* request,
                                             v1::RebootInstancesResponse*) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "RebootInstances", limiter_.Refusal());
  if (auto s = validator_.InstanceIds(request->instance_ids()); !s.ok()) {
    return Fail(ctx, "RebootInstances", s);
  }
  if (request->dry_run()) return Fail(ctx, "RebootInstances", DryRunOk());
  return Fail(ctx, "RebootInstances", c_.power.Reboot(ctx, Ids(request->instance_ids())));
}

grpc::Status ComputeService::TerminateInstances(grpc::ServerContext* context,
                                                const v1::TerminateInstancesRequest* request,
                                                v1::InstanceStateChangeResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "TerminateInstances", limiter_.Refusal());
  if (auto s = validator_.InstanceIds(request->instance_ids()); !s.ok()) {
    return Fail(ctx, "TerminateInstances", s);
  }
  if (request->dry_run()) return Fail(ctx, "TerminateInstances", DryRunOk());
  return Reply(ctx, "TerminateInstances", c_.power.Terminate(ctx, Ids(request->instance_ids())),
               response);
}

grpc::Status ComputeService::GetConsoleOutput(grpc::ServerContext* context,
                                              const v1::GetConsoleOutputRequest* request,
                                              v1::GetConsoleOutputResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "GetConsoleOutput", limiter_.Refusal());
  if (auto s = validator_.InstanceId(request->instance_id(), "InstanceId"); !s.ok()) {
    return Fail(ctx, "GetConsoleOutput", s);
  }
  auto instance = c_.core.store.Read(
      [&](Repositories& repos) { return LoadInstances(repos, ctx, {request->instance_id()}); });
  if (!instance.ok()) return Fail(ctx, "GetConsoleOutput", instance.status());
  auto output = c_.agents.ConsoleOutput(instance->front().host_id, request->instance_id(),
                                        64 * 1024, std::chrono::seconds(5));
  if (!output.ok()) return Fail(ctx, "GetConsoleOutput", output.status());
  response->set_instance_id(request->instance_id());
  response->set_output(*output);
  SetTimestamp(response->mutable_timestamp(), c_.core.clock.NowMillis());
  return grpc::Status::OK;
}

grpc::Status ComputeService::DescribeInstanceTypes(grpc::ServerContext* context,
                                                   const v1::DescribeInstanceTypesRequest* request,
                                                   v1::DescribeInstanceTypesResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "DescribeInstanceTypes", limiter_.Refusal());
  return Reply(ctx, "DescribeInstanceTypes",
               c_.instance_types.Describe(Ids(request->instance_types())), response);
}

grpc::Status ComputeService::CreateInstanceType(grpc::ServerContext* context,
                                                const v1::CreateInstanceTypeRequest* request,
                                                v1::InstanceTypeInfo* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "CreateInstanceType", limiter_.Refusal());
  if (auto s = validator_.InstanceType(request->instance_type()); !s.ok()) {
    return Fail(ctx, "CreateInstanceType", s);
  }
  return Reply(ctx, "CreateInstanceType", c_.instance_types.Create(ctx, request->instance_type()),
               response);
}

grpc::Status ComputeService::DeleteInstanceType(grpc::ServerContext* context,
                                                const v1::DeleteInstanceTypeRequest* request,
                                                v1::DeleteInstanceTypeResponse*) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "DeleteInstanceType", limiter_.Refusal());
  return Fail(ctx, "DeleteInstanceType", c_.instance_types.Delete(ctx, request->instance_type()));
}

grpc::Status ComputeService::DescribeImages(grpc::ServerContext* context,
                                            const v1::DescribeImagesRequest* request,
                                            v1::DescribeImagesResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "DescribeImages", limiter_.Refusal());
  if (auto s = validator_.DescribeImages(*request); !s.ok()) return Fail(ctx, "DescribeImages", s);
  return Reply(ctx, "DescribeImages", c_.images.Describe(ctx, *request), response);
}

grpc::Status ComputeService::ImportImage(grpc::ServerContext* context,
                                         const v1::ImportImageRequest* request,
                                         v1::Image* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "ImportImage", limiter_.Refusal());
  if (auto s = validator_.ImportImage(*request); !s.ok()) return Fail(ctx, "ImportImage", s);
  return Reply(ctx, "ImportImage", c_.images.Import(ctx, *request), response);
}

grpc::Status ComputeService::DeregisterImage(grpc::ServerContext* context,
                                             const v1::DeregisterImageRequest* request,
                                             v1::DeregisterImageResponse*) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "DeregisterImage", limiter_.Refusal());
  if (auto s = validator_.ImageId(request->image_id(), "ImageId"); !s.ok()) {
    return Fail(ctx, "DeregisterImage", s);
  }
  return Fail(ctx, "DeregisterImage", c_.images.Deregister(ctx, request->image_id()));
}

grpc::Status ComputeService::CreateKeyPair(grpc::ServerContext* context,
                                           const v1::CreateKeyPairRequest* request,
                                           v1::CreateKeyPairResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "CreateKeyPair", limiter_.Refusal());
  if (auto s = validator_.KeyName(request->key_name(), "KeyName"); !s.ok()) {
    return Fail(ctx, "CreateKeyPair", s);
  }
  return Reply(ctx, "CreateKeyPair", c_.key_pairs.Create(ctx, *request), response);
}

grpc::Status ComputeService::ImportKeyPair(grpc::ServerContext* context,
                                           const v1::ImportKeyPairRequest* request,
                                           v1::KeyPairInfo* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "ImportKeyPair", limiter_.Refusal());
  if (auto s = validator_.KeyName(request->key_name(), "KeyName"); !s.ok()) {
    return Fail(ctx, "ImportKeyPair", s);
  }
  return Reply(ctx, "ImportKeyPair", c_.key_pairs.Import(ctx, *request), response);
}

grpc::Status ComputeService::DescribeKeyPairs(grpc::ServerContext* context,
                                              const v1::DescribeKeyPairsRequest* request,
                                              v1::DescribeKeyPairsResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "DescribeKeyPairs", limiter_.Refusal());
  return Reply(ctx, "DescribeKeyPairs", c_.key_pairs.Describe(ctx, *request), response);
}

grpc::Status ComputeService::DeleteKeyPair(grpc::ServerContext* context,
                                           const v1::DeleteKeyPairRequest* request,
                                           v1::DeleteKeyPairResponse*) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "DeleteKeyPair", limiter_.Refusal());
  if (request->key_pair_id().empty()) {
    if (auto s = validator_.KeyName(request->key_name(), "KeyName"); !s.ok()) {
      return Fail(ctx, "DeleteKeyPair", s);
    }
  }
  return Fail(ctx, "DeleteKeyPair", c_.key_pairs.Delete(ctx, *request));
}

grpc::Status ComputeService::DescribeHosts(grpc::ServerContext* context,
                                           const v1::DescribeHostsRequest* request,
                                           v1::DescribeHostsResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "DescribeHosts", limiter_.Refusal());
  return Reply(ctx, "DescribeHosts", c_.hosts.Describe(ctx, Ids(request->host_ids())), response);
}

grpc::Status ComputeService::DisableHost(grpc::ServerContext* context,
                                         const v1::DisableHostRequest* request,
                                         v1::Host* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "DisableHost", limiter_.Refusal());
  if (auto s = validator_.DisableHost(*request); !s.ok()) return Fail(ctx, "DisableHost", s);
  return Reply(ctx, "DisableHost",
               c_.hosts.SetEnabled(ctx, request->host_id(), false, request->reason()), response);
}

grpc::Status ComputeService::EnableHost(grpc::ServerContext* context,
                                        const v1::EnableHostRequest* request, v1::Host* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "EnableHost", limiter_.Refusal());
  if (auto s = validator_.Name(request->host_id(), "HostId"); !s.ok()) {
    return Fail(ctx, "EnableHost", s);
  }
  return Reply(ctx, "EnableHost", c_.hosts.SetEnabled(ctx, request->host_id(), true, ""), response);
}

grpc::Status ComputeService::DescribeAvailabilityZones(
    grpc::ServerContext* context, const v1::DescribeAvailabilityZonesRequest* request,
    v1::DescribeAvailabilityZonesResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "DescribeAvailabilityZones", limiter_.Refusal());
  return Reply(ctx, "DescribeAvailabilityZones",
               c_.hosts.DescribeZones(ctx, Ids(request->zone_names())), response);
}

grpc::Status ComputeService::CreatePlacementGroup(grpc::ServerContext* context,
                                                  const v1::CreatePlacementGroupRequest* request,
                                                  v1::PlacementGroup* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "CreatePlacementGroup", limiter_.Refusal());
  if (auto s = validator_.CreatePlacementGroup(*request); !s.ok()) {
    return Fail(ctx, "CreatePlacementGroup", s);
  }
  return Reply(ctx, "CreatePlacementGroup", c_.placement_groups.Create(ctx, *request), response);
}

grpc::Status ComputeService::DescribePlacementGroups(
    grpc::ServerContext* context, const v1::DescribePlacementGroupsRequest* request,
    v1::DescribePlacementGroupsResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "DescribePlacementGroups", limiter_.Refusal());
  return Reply(ctx, "DescribePlacementGroups", c_.placement_groups.Describe(ctx, *request),
               response);
}

grpc::Status ComputeService::DeletePlacementGroup(grpc::ServerContext* context,
                                                  const v1::DeletePlacementGroupRequest* request,
                                                  v1::DeletePlacementGroupResponse*) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "DeletePlacementGroup", limiter_.Refusal());
  if (auto s = validator_.DeletePlacementGroup(*request); !s.ok()) {
    return Fail(ctx, "DeletePlacementGroup", s);
  }
  return Fail(ctx, "DeletePlacementGroup", c_.placement_groups.Delete(ctx, *request));
}

grpc::Status ComputeService::DescribeQuotas(grpc::ServerContext* context,
                                            const v1::DescribeQuotasRequest* request,
                                            v1::DescribeQuotasResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "DescribeQuotas", limiter_.Refusal());
  return Reply(ctx, "DescribeQuotas", c_.quotas.Describe(ctx, *request), response);
}

grpc::Status ComputeService::SetQuota(grpc::ServerContext* context,
                                      const v1::SetQuotaRequest* request, v1::Quota* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "SetQuota", limiter_.Refusal());
  if (auto s = validator_.SetQuota(*request); !s.ok()) return Fail(ctx, "SetQuota", s);
  return Reply(ctx, "SetQuota", c_.quotas.Set(ctx, *request), response);
}

grpc::Status ComputeService::CreateJoinToken(grpc::ServerContext* context,
                                             const v1::CreateJoinTokenRequest* request,
                                             v1::CreateJoinTokenResponse* response) {
  RequestContext ctx = Identify(context);
  auto slot = limiter_.TryAcquire();
  if (!slot) return Fail(ctx, "CreateJoinToken", limiter_.Refusal());
  return Reply(ctx, "CreateJoinToken", c_.join_tokens.Create(ctx, *request), response);
}

grpc::Status ComputeService::WatchEvents(grpc::ServerContext* context,
                                         const v1::WatchEventsRequest* request,
                                         grpc::ServerWriter<v1::Event>* writer) {
  RequestContext ctx = Identify(context);
  if (request->after_sequence() < 0) {
    return Fail(ctx, "WatchEvents",
                InvalidParameter("AfterSequence", "AfterSequence must be >= 0"));
  }
  int64_t after = request->after_sequence();
  for (;;) {
    auto batch =
        c_.core.store.Read([&](Repositories& repos) -> absl::StatusOr<std::vector<EventRecord>> {
          return repos.events.ListAfter(after, request->resource_id(), 500);
        });
    if (!batch.ok()) return Fail(ctx, "WatchEvents", batch.status());
    for (const EventRecord& event : *batch) {
      if (ctx.admin || event.project_id == ctx.project_id) {
        if (!writer->Write(ToApiEvent(event))) return grpc::Status::OK;
      }
      after = event.seq;
    }
    if (batch->size() == 500) continue;
    if (!request->follow() || context->IsCancelled()) return grpc::Status::OK;
    c_.core.events.WaitAfter(after, std::chrono::milliseconds(500));
  }
}

}  // namespace gureum::controller
