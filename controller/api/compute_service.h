// ComputeService: the public gureum.v1.Compute gRPC service. Every call goes
// through Serve(): request id, authentication (Authenticator), the operation's
// role (AccessPolicy), the in-flight limit, validation and the core call, the
// audit record of mutating calls and the error mapping, in one place. Thread-safe.
//
// DescribeInstances, the read that automation polls, runs on gRPC's callback
// API so that its request and response live on an arena
// (ArenaMessageAllocator); its work runs on a small pool of its own, since
// callback threads must not block on the store.
#pragma once

#include <chrono>
#include <optional>

#include <grpcpp/grpcpp.h>

#include "controller/agents/agent_registry.h"
#include "controller/agents/task_pool.h"
#include "controller/api/arena_message_allocator.h"
#include "controller/api/authenticator.h"
#include "controller/api/inflight_limiter.h"
#include "controller/api/request_validator.h"
#include "controller/core/access_key_service.h"
#include "controller/core/audit_log.h"
#include "controller/core/host_directory.h"
#include "controller/core/identity_service.h"
#include "controller/core/image_catalog.h"
#include "controller/core/instance_launcher.h"
#include "controller/core/instance_power.h"
#include "controller/core/instance_queries.h"
#include "controller/core/instance_type_catalog.h"
#include "controller/core/key_pair_service.h"
#include "controller/core/placement_group_service.h"
#include "controller/core/quota_service.h"
#include "controller/security/join_token_service.h"
#include "gureum/v1/compute.grpc.pb.h"

namespace gureum::controller {

// The core services the API calls.
struct ComputeCore {
  CoreContext& core;
  InstanceLauncher& launcher;
  InstancePower& power;
  InstanceQueries& queries;
  ImageCatalog& images;
  KeyPairService& key_pairs;
  InstanceTypeCatalog& instance_types;
  HostDirectory& hosts;
  AgentRegistry& agents;
  PlacementGroupService& placement_groups;
  QuotaService& quotas;
  IdentityService& identity;
  AccessKeyService& access_keys;
  AuditLog& audit;
  Authenticator& authenticator;
  JoinTokenService& join_tokens;
};

class ComputeService final
    : public v1::Compute::WithCallbackMethod_DescribeInstances<v1::Compute::Service> {
 public:
  // At most `max_inflight` unary calls run at once; more are refused with
  // RequestLimitExceeded (event streams are not counted). `read_threads` run
  // the callback-API reads.
  ComputeService(ComputeCore core, RequestValidator validator, int max_inflight = 256,
                 int read_threads = 4);

  grpc::Status RunInstances(grpc::ServerContext*, const v1::RunInstancesRequest*,
                            v1::RunInstancesResponse*) override;
  grpc::ServerUnaryReactor* DescribeInstances(grpc::CallbackServerContext*,
                                              const v1::DescribeInstancesRequest*,
                                              v1::DescribeInstancesResponse*) override;
  grpc::Status StartInstances(grpc::ServerContext*, const v1::StartInstancesRequest*,
                              v1::InstanceStateChangeResponse*) override;
  grpc::Status StopInstances(grpc::ServerContext*, const v1::StopInstancesRequest*,
                             v1::InstanceStateChangeResponse*) override;
  grpc::Status RebootInstances(grpc::ServerContext*, const v1::RebootInstancesRequest*,
                               v1::RebootInstancesResponse*) override;
  grpc::Status TerminateInstances(grpc::ServerContext*, const v1::TerminateInstancesRequest*,
                                  v1::InstanceStateChangeResponse*) override;
  grpc::Status GetConsoleOutput(grpc::ServerContext*, const v1::GetConsoleOutputRequest*,
                                v1::GetConsoleOutputResponse*) override;
  grpc::Status DescribeInstanceTypes(grpc::ServerContext*, const v1::DescribeInstanceTypesRequest*,
                                     v1::DescribeInstanceTypesResponse*) override;
  grpc::Status CreateInstanceType(grpc::ServerContext*, const v1::CreateInstanceTypeRequest*,
                                  v1::InstanceTypeInfo*) override;
  grpc::Status DeleteInstanceType(grpc::ServerContext*, const v1::DeleteInstanceTypeRequest*,
                                  v1::DeleteInstanceTypeResponse*) override;
  grpc::Status DescribeImages(grpc::ServerContext*, const v1::DescribeImagesRequest*,
                              v1::DescribeImagesResponse*) override;
  grpc::Status ImportImage(grpc::ServerContext*, const v1::ImportImageRequest*,
                           v1::Image*) override;
  grpc::Status DeregisterImage(grpc::ServerContext*, const v1::DeregisterImageRequest*,
                               v1::DeregisterImageResponse*) override;
  grpc::Status CreateKeyPair(grpc::ServerContext*, const v1::CreateKeyPairRequest*,
                             v1::CreateKeyPairResponse*) override;
  grpc::Status ImportKeyPair(grpc::ServerContext*, const v1::ImportKeyPairRequest*,
                             v1::KeyPairInfo*) override;
  grpc::Status DescribeKeyPairs(grpc::ServerContext*, const v1::DescribeKeyPairsRequest*,
                                v1::DescribeKeyPairsResponse*) override;
  grpc::Status DeleteKeyPair(grpc::ServerContext*, const v1::DeleteKeyPairRequest*,
                             v1::DeleteKeyPairResponse*) override;
  grpc::Status DescribeHosts(grpc::ServerContext*, const v1::DescribeHostsRequest*,
                             v1::DescribeHostsResponse*) override;
  grpc::Status DisableHost(grpc::ServerContext*, const v1::DisableHostRequest*, v1::Host*) override;
  grpc::Status EnableHost(grpc::ServerContext*, const v1::EnableHostRequest*, v1::Host*) override;
  grpc::Status DescribeAvailabilityZones(grpc::ServerContext*,
                                         const v1::DescribeAvailabilityZonesRequest*,
                                         v1::DescribeAvailabilityZonesResponse*) override;
  grpc::Status CreatePlacementGroup(grpc::ServerContext*, const v1::CreatePlacementGroupRequest*,
                                    v1::PlacementGroup*) override;
  grpc::Status DescribePlacementGroups(grpc::ServerContext*,
                                       const v1::DescribePlacementGroupsRequest*,
                                       v1::DescribePlacementGroupsResponse*) override;
  grpc::Status DeletePlacementGroup(grpc::ServerContext*, const v1::DeletePlacementGroupRequest*,
                                    v1::DeletePlacementGroupResponse*) override;
  grpc::Status DescribeQuotas(grpc::ServerContext*, const v1::DescribeQuotasRequest*,
                              v1::DescribeQuotasResponse*) override;
  grpc::Status SetQuota(grpc::ServerContext*, const v1::SetQuotaRequest*, v1::Quota*) override;
  grpc::Status CreateJoinToken(grpc::ServerContext*, const v1::CreateJoinTokenRequest*,
                               v1::CreateJoinTokenResponse*) override;
  grpc::Status WatchEvents(grpc::ServerContext*, const v1::WatchEventsRequest*,
                           grpc::ServerWriter<v1::Event>*) override;

  grpc::Status GetCallerIdentity(grpc::ServerContext*, const v1::GetCallerIdentityRequest*,
                                 v1::CallerIdentity*) override;
  grpc::Status CreateProject(grpc::ServerContext*, const v1::CreateProjectRequest*,
                             v1::Project*) override;
  grpc::Status DescribeProjects(grpc::ServerContext*, const v1::DescribeProjectsRequest*,
                                v1::DescribeProjectsResponse*) override;
  grpc::Status CreateUser(grpc::ServerContext*, const v1::CreateUserRequest*, v1::User*) override;
  grpc::Status DescribeUsers(grpc::ServerContext*, const v1::DescribeUsersRequest*,
                             v1::DescribeUsersResponse*) override;
  grpc::Status DeleteUser(grpc::ServerContext*, const v1::DeleteUserRequest*,
                          v1::DeleteUserResponse*) override;
  grpc::Status SetUserRole(grpc::ServerContext*, const v1::SetUserRoleRequest*, v1::User*) override;
  grpc::Status CreateAccessKey(grpc::ServerContext*, const v1::CreateAccessKeyRequest*,
                               v1::AccessKey*) override;
  grpc::Status DescribeAccessKeys(grpc::ServerContext*, const v1::DescribeAccessKeysRequest*,
                                  v1::DescribeAccessKeysResponse*) override;
  grpc::Status UpdateAccessKey(grpc::ServerContext*, const v1::UpdateAccessKeyRequest*,
                               v1::AccessKey*) override;
  grpc::Status DeleteAccessKey(grpc::ServerContext*, const v1::DeleteAccessKeyRequest*,
                               v1::DeleteAccessKeyResponse*) override;
  grpc::Status RotateAccessKey(grpc::ServerContext*, const v1::RotateAccessKeyRequest*,
                               v1::AccessKey*) override;
  grpc::Status DescribeAuditEvents(grpc::ServerContext*, const v1::DescribeAuditEventsRequest*,
                                   v1::DescribeAuditEventsResponse*) override;

 private:
  // Authenticates and authorises `op`; on success fills *ctx.
  absl::Status Admit(grpc::ServerContextBase* context, const char* op, RequestContext* ctx);
  // The one path of every unary call: fn(ctx) returns absl::Status (having
  // filled *response itself) or absl::StatusOr<Response>.
  template <typename Request, typename Response, typename Fn>
  grpc::Status Serve(grpc::ServerContextBase* context, const char* op, const Request& request,
                     Response* response, Fn&& fn) {
    return ServeIn(limiter_.TryAcquire(), context, op, request, response, std::forward<Fn>(fn));
  }
  // Serve with the in-flight place taken before (none: refused). A call
  // handed to reads_ takes its place on arrival, so calls waiting there
  // count against the limit and overload is refused, not queued.
  template <typename Request, typename Response, typename Fn>
  grpc::Status ServeIn(std::optional<InflightLimiter::Slot> slot, grpc::ServerContextBase* context,
                       const char* op, const Request& request, Response* response, Fn&& fn);

  ComputeCore c_;
  RequestValidator validator_;
  InflightLimiter limiter_;
  ArenaMessageAllocator<v1::DescribeInstancesRequest, v1::DescribeInstancesResponse>
      describe_allocator_;
  TaskPool reads_;  // last: destroyed (drained and joined) first
};

}  // namespace gureum::controller
