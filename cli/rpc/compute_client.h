// Synchronous client of gureum.v1.Compute for the CLI's verbs. It puts the per-call
// deadline (--timeout) on every unary call, sends the API key (if any) as the
// `x-gureum-api-key` metadata, echoes each request as JSON to the debug stream under
// --debug, and remembers the endpoint for error messages. Not thread-safe; one per
// command run.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include <grpcpp/grpcpp.h>

#include "gureum/v1/compute.grpc.pb.h"

namespace gureum::cli {

template <typename Response>
struct RpcResult {
  const char* operation = "";  // the API operation, e.g. "RunInstances"
  grpc::Status status;
  Response response;
  bool ok() const { return status.ok(); }
};

class ComputeClient {
 public:
  // `debug` receives request/reply traces when not null; it must outlive the client.
  ComputeClient(std::unique_ptr<v1::Compute::StubInterface> stub, std::string endpoint,
                std::chrono::milliseconds timeout, std::ostream* debug);

  // The gRPC metadata key that carries the API key.
  static constexpr char kApiKeyMetadata[] = "x-gureum-api-key";

  const std::string& endpoint() const { return endpoint_; }
  // Sent with every call from now on; empty sends none.
  void set_api_key(std::string api_key) { api_key_ = std::move(api_key); }
  // x-gureum-project (empty: the user's default) and x-gureum-all-projects.
  void set_project(std::string project, bool all_projects) {
    project_ = std::move(project);
    all_projects_ = all_projects;
  }
  std::chrono::milliseconds timeout() const { return timeout_; }

  RpcResult<v1::RunInstancesResponse> RunInstances(const v1::RunInstancesRequest& request);
  RpcResult<v1::DescribeInstancesResponse> DescribeInstances(
      const v1::DescribeInstancesRequest& request);
  RpcResult<v1::InstanceStateChangeResponse> StartInstances(
      const v1::StartInstancesRequest& request);
  RpcResult<v1::InstanceStateChangeResponse> StopInstances(const v1::StopInstancesRequest& request);
  RpcResult<v1::RebootInstancesResponse> RebootInstances(const v1::RebootInstancesRequest& request);
  RpcResult<v1::InstanceStateChangeResponse> TerminateInstances(
      const v1::TerminateInstancesRequest& request);
  RpcResult<v1::GetConsoleOutputResponse> GetConsoleOutput(
      const v1::GetConsoleOutputRequest& request);

  RpcResult<v1::DescribeInstanceTypesResponse> DescribeInstanceTypes(
      const v1::DescribeInstanceTypesRequest& request);
  RpcResult<v1::InstanceTypeInfo> CreateInstanceType(const v1::CreateInstanceTypeRequest& request);
  RpcResult<v1::DeleteInstanceTypeResponse> DeleteInstanceType(
      const v1::DeleteInstanceTypeRequest& request);

  RpcResult<v1::DescribeImagesResponse> DescribeImages(const v1::DescribeImagesRequest& request);
  // Imports copy and hash whole disk images, so they take their own deadline.
  RpcResult<v1::Image> ImportImage(const v1::ImportImageRequest& request,
                                   std::chrono::milliseconds timeout);
  RpcResult<v1::DeregisterImageResponse> DeregisterImage(const v1::DeregisterImageRequest& request);

  RpcResult<v1::CreateKeyPairResponse> CreateKeyPair(const v1::CreateKeyPairRequest& request);
  RpcResult<v1::KeyPairInfo> ImportKeyPair(const v1::ImportKeyPairRequest& request);
  RpcResult<v1::DescribeKeyPairsResponse> DescribeKeyPairs(
      const v1::DescribeKeyPairsRequest& request);
  RpcResult<v1::DeleteKeyPairResponse> DeleteKeyPair(const v1::DeleteKeyPairRequest& request);

  RpcResult<v1::DescribeHostsResponse> DescribeHosts(const v1::DescribeHostsRequest& request);
  RpcResult<v1::Host> DisableHost(const v1::DisableHostRequest& request);
  RpcResult<v1::CreateJoinTokenResponse> CreateJoinToken(const v1::CreateJoinTokenRequest& request);
  RpcResult<v1::Host> EnableHost(const v1::EnableHostRequest& request);
  RpcResult<v1::DescribeAvailabilityZonesResponse> DescribeAvailabilityZones(
      const v1::DescribeAvailabilityZonesRequest& request);

  RpcResult<v1::PlacementGroup> CreatePlacementGroup(
      const v1::CreatePlacementGroupRequest& request);
  RpcResult<v1::DescribePlacementGroupsResponse> DescribePlacementGroups(
      const v1::DescribePlacementGroupsRequest& request);
  RpcResult<v1::DeletePlacementGroupResponse> DeletePlacementGroup(
      const v1::DeletePlacementGroupRequest& request);

  RpcResult<v1::DescribeQuotasResponse> DescribeQuotas(const v1::DescribeQuotasRequest& request);
  RpcResult<v1::Quota> SetQuota(const v1::SetQuotaRequest& request);

  // Identity and access.
  RpcResult<v1::CallerIdentity> GetCallerIdentity(const v1::GetCallerIdentityRequest& request);
  RpcResult<v1::Project> CreateProject(const v1::CreateProjectRequest& request);
  RpcResult<v1::DescribeProjectsResponse> DescribeProjects(
      const v1::DescribeProjectsRequest& request);
  RpcResult<v1::User> CreateUser(const v1::CreateUserRequest& request);
  RpcResult<v1::DescribeUsersResponse> DescribeUsers(const v1::DescribeUsersRequest& request);
  RpcResult<v1::DeleteUserResponse> DeleteUser(const v1::DeleteUserRequest& request);
  RpcResult<v1::User> SetUserRole(const v1::SetUserRoleRequest& request);
  RpcResult<v1::AccessKey> CreateAccessKey(const v1::CreateAccessKeyRequest& request);
  RpcResult<v1::DescribeAccessKeysResponse> DescribeAccessKeys(
      const v1::DescribeAccessKeysRequest& request);
  RpcResult<v1::AccessKey> UpdateAccessKey(const v1::UpdateAccessKeyRequest& request);
  RpcResult<v1::DeleteAccessKeyResponse> DeleteAccessKey(const v1::DeleteAccessKeyRequest& request);
  RpcResult<v1::AccessKey> RotateAccessKey(const v1::RotateAccessKeyRequest& request);
  RpcResult<v1::DescribeAuditEventsResponse> DescribeAuditEvents(
      const v1::DescribeAuditEventsRequest& request);

  // Delivers each event to `on_event` until the stream ends or `on_event` returns
  // false (then the call is cancelled and OK returned). Without follow the call has
  // the usual deadline; with follow it runs until the server or the user ends it.
  // The response is the number of events delivered.
  RpcResult<int64_t> WatchEvents(const v1::WatchEventsRequest& request,
                                 const std::function<bool(const v1::Event&)>& on_event);

 private:
  template <typename Request, typename Response>
  using UnaryMethod = grpc::Status (v1::Compute::StubInterface::*)(grpc::ClientContext*,
                                                                   const Request&, Response*);

  template <typename Request, typename Response>
  RpcResult<Response> Unary(const char* operation, UnaryMethod<Request, Response> method,
                            const Request& request, std::chrono::milliseconds timeout);

  // Deadline and metadata of one call.
  void Prepare(grpc::ClientContext& context, std::chrono::milliseconds timeout) const;
  void TraceRequest(const char* operation, const google::protobuf::Message& request,
                    std::chrono::milliseconds timeout) const;
  void TraceReply(const char* operation, const grpc::Status& status,
                  std::chrono::steady_clock::time_point started) const;

  std::unique_ptr<v1::Compute::StubInterface> stub_;
  std::string endpoint_;
  std::chrono::milliseconds timeout_;
  std::ostream* debug_;
  std::string api_key_;
  std::string project_;
  bool all_projects_ = false;
};

}  // namespace gureum::cli
