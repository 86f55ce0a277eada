#include "controller/api/compute_service.h"

#include <memory>
#include <optional>
#include <type_traits>

#include <spdlog/spdlog.h>

#include "common/api_error.h"
#include "controller/api/access_policy.h"
#include "controller/core/instance_view.h"

namespace gureum::controller {
namespace {

std::vector<std::string> Ids(const google::protobuf::RepeatedPtrField<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

absl::Status DryRunOk() {
  return ApiError(absl::StatusCode::kFailedPrecondition, errc::kDryRunOperation, "DryRun",
                  "Request would have succeeded, but DryRun flag is set");
}

}  // namespace

ComputeService::ComputeService(ComputeCore core, RequestValidator validator, int max_inflight,
                               int read_threads)
    : c_(core), validator_(std::move(validator)), limiter_(max_inflight), reads_(read_threads) {
  SetMessageAllocatorFor_DescribeInstances(&describe_allocator_);
}

absl::Status ComputeService::Admit(grpc::ServerContextBase* context, const char* op,
                                   RequestContext* ctx) {
  const std::string request_id = "req-" + c_.core.ids.Hex(16);
  context->AddInitialMetadata("x-gureum-request-id", request_id);
  const Credentials credentials = CredentialsOf(*context);
  ctx->request_id = request_id;
  ctx->actor = "-";
  ctx->source = credentials.source;
  ctx->admin = false;
  auto who = c_.authenticator.Authenticate(credentials);
  if (!who.ok()) return who.status();
  *ctx = std::move(*who);
  ctx->request_id = request_id;
  const OperationPolicy policy = PolicyFor(op);
  if (!Allows(policy.need, ctx->role, ctx->admin)) {
    return ApiError(absl::StatusCode::kPermissionDenied, errc::kUnauthorizedOperation, "",
                    std::string(op) + " needs " + std::string(Describe(policy.need)) + "; user " +
                        ctx->actor + " is " + ctx->role + " in project " + ctx->project_id);
  }
  return absl::OkStatus();
}

template <typename Request, typename Response, typename Fn>
grpc::Status ComputeService::ServeIn(std::optional<InflightLimiter::Slot> slot,
                                     grpc::ServerContextBase* context, const char* op,
                                     const Request& request, Response* response, Fn&& fn) {
  RequestContext ctx;
  absl::Status outcome;
  if (!slot) {
    outcome = limiter_.Refusal();
    ctx.request_id = "req-" + c_.core.ids.Hex(16);
  } else if (outcome = Admit(context, op, &ctx); outcome.ok()) {
    using Result = std::invoke_result_t<Fn, RequestContext&>;
    if constexpr (std::is_same_v<Result, absl::Status>) {
      outcome = fn(ctx);
    } else {
      Result result = fn(ctx);
      if (result.ok()) {
        *response = std::move(*result);
      } else {
        outcome = result.status();
      }
    }
  }
  // Mutating calls by authenticated callers are audited, refused or not;
  // unauthenticated ones are only logged (rate-limited) by the Authenticator.
  if (PolicyFor(op).mutating && outcome.code() != absl::StatusCode::kUnauthenticated &&
      ctx.actor != "-") {
    c_.audit.Record(ctx, op, request, outcome);
  }
  if (!outcome.ok()) spdlog::info("{} {} failed: {}", ctx.request_id, op, outcome.ToString());
  return ToGrpcStatus(outcome, ctx.request_id);
}

grpc::Status ComputeService::RunInstances(grpc::ServerContext* context,
                                          const v1::RunInstancesRequest* request,
                                          v1::RunInstancesResponse* response) {
  return Serve(context, "RunInstances", *request, response,
               [&](RequestContext& ctx) -> absl::StatusOr<v1::RunInstancesResponse> {
                 v1::RunInstancesRequest req = *request;
                 if (auto s = validator_.RunInstances(req); !s.ok()) return s;
                 return c_.launcher.Run(ctx, req);
               });
}

grpc::ServerUnaryReactor* ComputeService::DescribeInstances(
    grpc::CallbackServerContext* context, const v1::DescribeInstancesRequest* request,
    v1::DescribeInstancesResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // std::function needs a copyable task: the move-only slot rides in a shared_ptr.
  auto slot = std::make_shared<std::optional<InflightLimiter::Slot>>(limiter_.TryAcquire());
  auto serve = [this, slot, context, request, response, reactor] {
    // The response is filled in place: it lives on the call's arena.
    reactor->Finish(ServeIn(std::move(*slot), context, "DescribeInstances", *request, response,
                            [&](RequestContext& ctx) -> absl::Status {
                              if (auto s = validator_.DescribeInstances(*request); !s.ok()) {
                                return s;
                              }
                              return c_.queries.Describe(ctx, *request, response);
                            }));
  };
  if (slot->has_value()) {
    reads_.Post(std::move(serve));
  } else {
    serve();  // refused at once (no store access), not after the queued reads
  }
  return reactor;
}

grpc::Status ComputeService::StartInstances(grpc::ServerContext* context,
                                            const v1::StartInstancesRequest* request,
                                            v1::InstanceStateChangeResponse* response) {
  return Serve(context, "StartInstances", *request, response,
               [&](RequestContext& ctx) -> absl::StatusOr<v1::InstanceStateChangeResponse> {
                 if (auto s = validator_.InstanceIds(request->instance_ids()); !s.ok()) return s;
                 if (request->dry_run()) return DryRunOk();
                 return c_.power.Start(ctx, Ids(request->instance_ids()));
               });
}

grpc::Status ComputeService::StopInstances(grpc::ServerContext* context,
                                           const v1::StopInstancesRequest* request,
                                           v1::InstanceStateChangeResponse* response) {
  return Serve(context, "StopInstances", *request, response,
               [&](RequestContext& ctx) -> absl::StatusOr<v1::InstanceStateChangeResponse> {
                 if (auto s = validator_.InstanceIds(request->instance_ids()); !s.ok()) return s;
                 if (request->dry_run()) return DryRunOk();
                 return c_.power.Stop(ctx, Ids(request->instance_ids()), request->force());
               });
}

grpc::Status ComputeService::RebootInstances(grpc::ServerContext* context,
                                             const v1::RebootInstancesRequest* request,
                                             v1::RebootInstancesResponse* response) {
  return Serve(context, "RebootInstances", *request, response,
               [&](RequestContext& ctx) -> absl::Status {
                 if (auto s = validator_.InstanceIds(request->instance_ids()); !s.ok()) return s;
                 if (request->dry_run()) return DryRunOk();
                 return c_.power.Reboot(ctx, Ids(request->instance_ids()));
               });
}

grpc::Status ComputeService::TerminateInstances(grpc::ServerContext* context,
                                                const v1::TerminateInstancesRequest* request,
                                                v1::InstanceStateChangeResponse* response) {
  return Serve(context, "TerminateInstances", *request, response,
               [&](RequestContext& ctx) -> absl::StatusOr<v1::InstanceStateChangeResponse> {
                 if (auto s = validator_.InstanceIds(request->instance_ids()); !s.ok()) return s;
                 if (request->dry_run()) return DryRunOk();
                 return c_.power.Terminate(ctx, Ids(request->instance_ids()));
               });
}

grpc::Status ComputeService::GetConsoleOutput(grpc::ServerContext* context,
                                              const v1::GetConsoleOutputRequest* request,
                                              v1::GetConsoleOutputResponse* response) {
  return Serve(
      context, "GetConsoleOutput", *request, response,
      [&](RequestContext& ctx) -> absl::StatusOr<v1::GetConsoleOutputResponse> {
        if (auto s = validator_.InstanceId(request->instance_id(), "InstanceId"); !s.ok()) {
          return s;
        }
        auto instance = c_.core.store.Read([&](Repositories& repos) {
          return LoadInstances(repos, ctx, {request->instance_id()});
        });
        if (!instance.ok()) return instance.status();
        auto output = c_.agents.ConsoleOutput(instance->front().host_id, request->instance_id(),
                                              64 * 1024, std::chrono::seconds(5));
        if (!output.ok()) return output.status();
        v1::GetConsoleOutputResponse out;
        out.set_instance_id(request->instance_id());
        out.set_output(*output);
        SetTimestamp(out.mutable_timestamp(), c_.core.clock.NowMillis());
        return out;
      });
}

grpc::Status ComputeService::DescribeInstanceTypes(grpc::ServerContext* context,
                                                   const v1::DescribeInstanceTypesRequest* request,
                                                   v1::DescribeInstanceTypesResponse* response) {
  return Serve(context, "DescribeInstanceTypes", *request, response, [&](RequestContext&) {
    return c_.instance_types.Describe(Ids(request->instance_types()));
  });
}

grpc::Status ComputeService::CreateInstanceType(grpc::ServerContext* context,
                                                const v1::CreateInstanceTypeRequest* request,
                                                v1::InstanceTypeInfo* response) {
  return Serve(context, "CreateInstanceType", *request, response,
               [&](RequestContext& ctx) -> absl::StatusOr<v1::InstanceTypeInfo> {
                 if (auto s = validator_.InstanceType(request->instance_type()); !s.ok()) return s;
                 return c_.instance_types.Create(ctx, request->instance_type());
               });
}

grpc::Status ComputeService::DeleteInstanceType(grpc::ServerContext* context,
                                                const v1::DeleteInstanceTypeRequest* request,
                                                v1::DeleteInstanceTypeResponse* response) {
  return Serve(context, "DeleteInstanceType", *request, response, [&](RequestContext& ctx) {
    return c_.instance_types.Delete(ctx, request->instance_type());
  });
}

grpc::Status ComputeService::DescribeImages(grpc::ServerContext* context,
                                            const v1::DescribeImagesRequest* request,
                                            v1::DescribeImagesResponse* response) {
  return Serve(context, "DescribeImages", *request, response,
               [&](RequestContext& ctx) -> absl::StatusOr<v1::DescribeImagesResponse> {
                 if (auto s = validator_.DescribeImages(*request); !s.ok()) return s;
                 return c_.images.Describe(ctx, *request);
               });
}

grpc::Status ComputeService::ImportImage(grpc::ServerContext* context,
                                         const v1::ImportImageRequest* request,
                                         v1::Image* response) {
  return Serve(context, "ImportImage", *request, response,
               [&](RequestContext& ctx) -> absl::StatusOr<v1::Image> {
                 if (auto s = validator_.ImportImage(*request); !s.ok()) return s;
                 return c_.images.Import(ctx, *request);
               });
}

grpc::Status ComputeService::DeregisterImage(grpc::ServerContext* context,
                                             const v1::DeregisterImageRequest* request,
                                             v1::DeregisterImageResponse* response) {
  return Serve(context, "DeregisterImage", *request, response,
               [&](RequestContext& ctx) -> absl::Status {
                 if (auto s = validator_.ImageId(request->image_id(), "ImageId"); !s.ok()) return s;
                 return c_.images.Deregister(ctx, request->image_id());
               });
}

grpc::Status ComputeService::CreateKeyPair(grpc::ServerContext* context,
                                           const v1::CreateKeyPairRequest* request,
                                           v1::CreateKeyPairResponse* response) {
  return Serve(context, "CreateKeyPair", *request, response,
               [&](RequestContext& ctx) -> absl::StatusOr<v1::CreateKeyPairResponse> {
                 if (auto s = validator_.KeyName(request->key_name(), "KeyName"); !s.ok()) return s;
                 return c_.key_pairs.Create(ctx, *request);
               });
}

grpc::Status ComputeService::ImportKeyPair(grpc::ServerContext* context,
                                           const v1::ImportKeyPairRequest* request,
                                           v1::KeyPairInfo* response) {
  return Serve(context, "ImportKeyPair", *request, response,
               [&](RequestContext& ctx) -> absl::StatusOr<v1::KeyPairInfo> {
                 if (auto s = validator_.KeyName(request->key_name(), "KeyName"); !s.ok()) return s;
                 return c_.key_pairs.Import(ctx, *request);
               });
}

grpc::Status ComputeService::DescribeKeyPairs(grpc::ServerContext* context,
                                              const v1::DescribeKeyPairsRequest* request,
                                              v1::DescribeKeyPairsResponse* response) {
  return Serve(context, "DescribeKeyPairs", *request, response,
               [&](RequestContext& ctx) { return c_.key_pairs.Describe(ctx, *request); });
}

grpc::Status ComputeService::DeleteKeyPair(grpc::ServerContext* context,
                                           const v1::DeleteKeyPairRequest* request,
                                           v1::DeleteKeyPairResponse* response) {
  return Serve(context, "DeleteKeyPair", *request, response,
               [&](RequestContext& ctx) -> absl::Status {
                 if (request->key_pair_id().empty()) {
                   if (auto s = validator_.KeyName(request->key_name(), "KeyName"); !s.ok()) {
                     return s;
                   }
                 }
                 return c_.key_pairs.Delete(ctx, *request);
               });
}

grpc::Status ComputeService::DescribeHosts(grpc::ServerContext* context,
                                           const v1::DescribeHostsRequest* request,
                                           v1::DescribeHostsResponse* response) {
  return Serve(context, "DescribeHosts", *request, response, [&](RequestContext& ctx) {
    return c_.hosts.Describe(ctx, Ids(request->host_ids()));
  });
}

grpc::Status ComputeService::DisableHost(grpc::ServerContext* context,
                                         const v1::DisableHostRequest* request,
                                         v1::Host* response) {
  return Serve(context, "DisableHost", *request, response,
               [&](RequestContext& ctx) -> absl::StatusOr<v1::Host> {
                 if (auto s = validator_.DisableHost(*request); !s.ok()) return s;
                 return c_.hosts.SetEnabled(ctx, request->host_id(), false, request->reason());
               });
}

grpc::Status ComputeService::EnableHost(grpc::ServerContext* context,
                                        const v1::EnableHostRequest* request, v1::Host* response) {
  return Serve(context, "EnableHost", *request, response,
               [&](RequestContext& ctx) -> absl::StatusOr<v1::Host> {
                 if (auto s = validator_.Name(request->host_id(), "HostId"); !s.ok()) return s;
                 return c_.hosts.SetEnabled(ctx, request->host_id(), true, "");
               });
}

grpc::Status ComputeService::DescribeAvailabilityZones(
    grpc::ServerContext* context, const v1::DescribeAvailabilityZonesRequest* request,
    v1::DescribeAvailabilityZonesResponse* response) {
  return Serve(context, "DescribeAvailabilityZones", *request, response, [&](RequestContext& ctx) {
    return c_.hosts.DescribeZones(ctx, Ids(request->zone_names()));
  });
}

grpc::Status ComputeService::CreatePlacementGroup(grpc::ServerContext* context,
                                                  const v1::CreatePlacementGroupRequest* request,
                                                  v1::PlacementGroup* response) {
  return Serve(context, "CreatePlacementGroup", *request, response,
               [&](RequestContext& ctx) -> absl::StatusOr<v1::PlacementGroup> {
                 if (auto s = validator_.CreatePlacementGroup(*request); !s.ok()) return s;
                 return c_.placement_groups.Create(ctx, *request);
               });
}

grpc::Status ComputeService::DescribePlacementGroups(
    grpc::ServerContext* context, const v1::DescribePlacementGroupsRequest* request,
    v1::DescribePlacementGroupsResponse* response) {
  return Serve(context, "DescribePlacementGroups", *request, response,
               [&](RequestContext& ctx) { return c_.placement_groups.Describe(ctx, *request); });
}

grpc::Status ComputeService::DeletePlacementGroup(grpc::ServerContext* context,
                                                  const v1::DeletePlacementGroupRequest* request,
                                                  v1::DeletePlacementGroupResponse* response) {
  return Serve(context, "DeletePlacementGroup", *request, response,
               [&](RequestContext& ctx) -> absl::Status {
                 if (auto s = validator_.DeletePlacementGroup(*request); !s.ok()) return s;
                 return c_.placement_groups.Delete(ctx, *request);
               });
}

grpc::Status ComputeService::DescribeQuotas(grpc::ServerContext* context,
                                            const v1::DescribeQuotasRequest* request,
                                            v1::DescribeQuotasResponse* response) {
  return Serve(context, "DescribeQuotas", *request, response,
               [&](RequestContext& ctx) { return c_.quotas.Describe(ctx, *request); });
}

grpc::Status ComputeService::SetQuota(grpc::ServerContext* context,
                                      const v1::SetQuotaRequest* request, v1::Quota* response) {
  return Serve(context, "SetQuota", *request, response,
               [&](RequestContext& ctx) -> absl::StatusOr<v1::Quota> {
                 if (auto s = validator_.SetQuota(*request); !s.ok()) return s;
                 return c_.quotas.Set(ctx, *request);
               });
}

grpc::Status ComputeService::GetCallerIdentity(grpc::ServerContext* context,
                                               const v1::GetCallerIdentityRequest* request,
                                               v1::CallerIdentity* response) {
  return Serve(context, "GetCallerIdentity", *request, response,
               [&](RequestContext& ctx) { return c_.identity.CallerIdentity(ctx); });
}

grpc::Status ComputeService::CreateProject(grpc::ServerContext* context,
                                           const v1::CreateProjectRequest* request,
                                           v1::Project* response) {
  return Serve(context, "CreateProject", *request, response,
               [&](RequestContext& ctx) { return c_.identity.CreateProject(ctx, *request); });
}

grpc::Status ComputeService::DescribeProjects(grpc::ServerContext* context,
                                              const v1::DescribeProjectsRequest* request,
                                              v1::DescribeProjectsResponse* response) {
  return Serve(context, "DescribeProjects", *request, response,
               [&](RequestContext& ctx) { return c_.identity.DescribeProjects(ctx, *request); });
}

grpc::Status ComputeService::CreateUser(grpc::ServerContext* context,
                                        const v1::CreateUserRequest* request, v1::User* response) {
  return Serve(context, "CreateUser", *request, response,
               [&](RequestContext& ctx) { return c_.identity.CreateUser(ctx, *request); });
}

grpc::Status ComputeService::DescribeUsers(grpc::ServerContext* context,
                                           const v1::DescribeUsersRequest* request,
                                           v1::DescribeUsersResponse* response) {
  return Serve(context, "DescribeUsers", *request, response,
               [&](RequestContext& ctx) { return c_.identity.DescribeUsers(ctx, *request); });
}

grpc::Status ComputeService::DeleteUser(grpc::ServerContext* context,
                                        const v1::DeleteUserRequest* request,
                                        v1::DeleteUserResponse* response) {
  return Serve(context, "DeleteUser", *request, response, [&](RequestContext& ctx) {
    return c_.identity.DeleteUser(ctx, request->user_name());
  });
}

grpc::Status ComputeService::SetUserRole(grpc::ServerContext* context,
                                         const v1::SetUserRoleRequest* request,
                                         v1::User* response) {
  return Serve(context, "SetUserRole", *request, response,
               [&](RequestContext& ctx) { return c_.identity.SetUserRole(ctx, *request); });
}

grpc::Status ComputeService::CreateAccessKey(grpc::ServerContext* context,
                                             const v1::CreateAccessKeyRequest* request,
                                             v1::AccessKey* response) {
  return Serve(context, "CreateAccessKey", *request, response,
               [&](RequestContext& ctx) { return c_.access_keys.Create(ctx, *request); });
}

grpc::Status ComputeService::DescribeAccessKeys(grpc::ServerContext* context,
                                                const v1::DescribeAccessKeysRequest* request,
                                                v1::DescribeAccessKeysResponse* response) {
  return Serve(context, "DescribeAccessKeys", *request, response,
               [&](RequestContext& ctx) { return c_.access_keys.Describe(ctx, *request); });
}

grpc::Status ComputeService::UpdateAccessKey(grpc::ServerContext* context,
                                             const v1::UpdateAccessKeyRequest* request,
                                             v1::AccessKey* response) {
  return Serve(context, "UpdateAccessKey", *request, response,
               [&](RequestContext& ctx) { return c_.access_keys.Update(ctx, *request); });
}

grpc::Status ComputeService::DeleteAccessKey(grpc::ServerContext* context,
                                             const v1::DeleteAccessKeyRequest* request,
                                             v1::DeleteAccessKeyResponse* response) {
  return Serve(context, "DeleteAccessKey", *request, response, [&](RequestContext& ctx) {
    return c_.access_keys.Delete(ctx, request->access_key_id());
  });
}

grpc::Status ComputeService::RotateAccessKey(grpc::ServerContext* context,
                                             const v1::RotateAccessKeyRequest* request,
                                             v1::AccessKey* response) {
  return Serve(context, "RotateAccessKey", *request, response,
               [&](RequestContext& ctx) { return c_.access_keys.Rotate(ctx, *request); });
}

grpc::Status ComputeService::DescribeAuditEvents(grpc::ServerContext* context,
                                                 const v1::DescribeAuditEventsRequest* request,
                                                 v1::DescribeAuditEventsResponse* response) {
  return Serve(context, "DescribeAuditEvents", *request, response,
               [&](RequestContext&) { return c_.audit.Describe(*request); });
}

grpc::Status ComputeService::CreateJoinToken(grpc::ServerContext* context,
                                             const v1::CreateJoinTokenRequest* request,
                                             v1::CreateJoinTokenResponse* response) {
  return Serve(context, "CreateJoinToken", *request, response,
               [&](RequestContext& ctx) { return c_.join_tokens.Create(ctx, *request); });
}

grpc::Status ComputeService::WatchEvents(grpc::ServerContext* context,
                                         const v1::WatchEventsRequest* request,
                                         grpc::ServerWriter<v1::Event>* writer) {
  RequestContext ctx;
  if (absl::Status admitted = Admit(context, "WatchEvents", &ctx); !admitted.ok()) {
    return ToGrpcStatus(admitted, ctx.request_id);
  }
  if (request->after_sequence() < 0) {
    return ToGrpcStatus(InvalidParameter("AfterSequence", "AfterSequence must be >= 0"),
                        ctx.request_id);
  }
  int64_t after = request->after_sequence();
  for (;;) {
    auto batch =
        c_.core.store.Read([&](Repositories& repos) -> absl::StatusOr<std::vector<EventRecord>> {
          return repos.events.ListAfter(after, request->resource_id(), 500);
        });
    if (!batch.ok()) return ToGrpcStatus(batch.status(), ctx.request_id);
    for (const EventRecord& event : *batch) {
      if (ctx.all_projects || event.project_id == ctx.project_id) {
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
