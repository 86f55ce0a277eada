#include "cli/rpc/compute_client.h"

#include <cstdio>

#include "cli/output/json_output.h"
#include "common/api_error.h"

namespace gureum::cli {
namespace {

using Stub = v1::Compute::StubInterface;

const char* GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

}  // namespace

ComputeClient::ComputeClient(std::unique_ptr<Stub> stub, std::string endpoint,
                             std::chrono::milliseconds timeout, std::ostream* debug)
    : stub_(std::move(stub)), endpoint_(std::move(endpoint)), timeout_(timeout), debug_(debug) {}

void ComputeClient::Prepare(grpc::ClientContext& context, std::chrono::milliseconds timeout) const {
  if (timeout.count() > 0) context.set_deadline(std::chrono::system_clock::now() + timeout);
  if (!api_key_.empty()) context.AddMetadata(kApiKeyMetadata, api_key_);
  if (!project_.empty()) context.AddMetadata("x-gureum-project", project_);
  if (all_projects_) context.AddMetadata("x-gureum-all-projects", "true");
}

void ComputeClient::TraceRequest(const char* operation, const google::protobuf::Message& request,
                                 std::chrono::milliseconds timeout) const {
  if (debug_ == nullptr) return;
  *debug_ << "[debug] " << operation << " request to " << endpoint_;
  if (timeout.count() > 0) *debug_ << " (deadline " << timeout.count() << " ms)";
  *debug_ << ":\n" << ToPrettyJson(request) << std::flush;
}

void ComputeClient::TraceReply(const char* operation, const grpc::Status& status,
                               std::chrono::steady_clock::time_point started) const {
  if (debug_ == nullptr) return;
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  *debug_ << "[debug] " << operation << " returned " << GrpcCodeName(status.error_code());
  if (!status.ok()) {
    ApiErrorParts parts = FromGrpcStatus(status);
    *debug_ << " (" << parts.code << ")";
    if (!parts.request_id.empty()) *debug_ << " request-id " << parts.request_id;
  }
  *debug_ << " in " << took.count() << " ms" << std::endl;
}

template <typename Request, typename Response>
RpcResult<Response> ComputeClient::Unary(const char* operation,
                                         UnaryMethod<Request, Response> method,
                                         const Request& request,
                                         std::chrono::milliseconds timeout) {
  TraceRequest(operation, request, timeout);
  auto started = std::chrono::steady_clock::now();
  grpc::ClientContext context;
  Prepare(context, timeout);
  RpcResult<Response> result;
  result.operation = operation;
  result.status = ((*stub_).*method)(&context, request, &result.response);
  TraceReply(operation, result.status, started);
  return result;
}

RpcResult<v1::RunInstancesResponse> ComputeClient::RunInstances(
    const v1::RunInstancesRequest& request) {
  return Unary("RunInstances", &Stub::RunInstances, request, timeout_);
}

RpcResult<v1::DescribeInstancesResponse> ComputeClient::DescribeInstances(
    const v1::DescribeInstancesRequest& request) {
  return Unary("DescribeInstances", &Stub::DescribeInstances, request, timeout_);
}

RpcResult<v1::InstanceStateChangeResponse> ComputeClient::StartInstances(
    const v1::StartInstancesRequest& request) {
  return Unary("StartInstances", &Stub::StartInstances, request, timeout_);
}

RpcResult<v1::InstanceStateChangeResponse> ComputeClient::StopInstances(
    const v1::StopInstancesRequest& request) {
  return Unary("StopInstances", &Stub::StopInstances, request, timeout_);
}

RpcResult<v1::RebootInstancesResponse> ComputeClient::RebootInstances(
    const v1::RebootInstancesRequest& request) {
  return Unary("RebootInstances", &Stub::RebootInstances, request, timeout_);
}

RpcResult<v1::InstanceStateChangeResponse> ComputeClient::TerminateInstances(
    const v1::TerminateInstancesRequest& request) {
  return Unary("TerminateInstances", &Stub::TerminateInstances, request, timeout_);
}

RpcResult<v1::GetConsoleOutputResponse> ComputeClient::GetConsoleOutput(
    const v1::GetConsoleOutputRequest& request) {
  return Unary("GetConsoleOutput", &Stub::GetConsoleOutput, request, timeout_);
}

RpcResult<v1::DescribeInstanceTypesResponse> ComputeClient::DescribeInstanceTypes(
    const v1::DescribeInstanceTypesRequest& request) {
  return Unary("DescribeInstanceTypes", &Stub::DescribeInstanceTypes, request, timeout_);
}

RpcResult<v1::InstanceTypeInfo> ComputeClient::CreateInstanceType(
    const v1::CreateInstanceTypeRequest& request) {
  return Unary("CreateInstanceType", &Stub::CreateInstanceType, request, timeout_);
}

RpcResult<v1::DeleteInstanceTypeResponse> ComputeClient::DeleteInstanceType(
    const v1::DeleteInstanceTypeRequest& request) {
  return Unary("DeleteInstanceType", &Stub::DeleteInstanceType, request, timeout_);
}

RpcResult<v1::DescribeImagesResponse> ComputeClient::DescribeImages(
    const v1::DescribeImagesRequest& request) {
  return Unary("DescribeImages", &Stub::DescribeImages, request, timeout_);
}

RpcResult<v1::Image> ComputeClient::ImportImage(const v1::ImportImageRequest& request,
                                                std::chrono::milliseconds timeout) {
  return Unary("ImportImage", &Stub::ImportImage, request, timeout);
}

RpcResult<v1::DeregisterImageResponse> ComputeClient::DeregisterImage(
    const v1::DeregisterImageRequest& request) {
  return Unary("DeregisterImage", &Stub::DeregisterImage, request, timeout_);
}

RpcResult<v1::CreateKeyPairResponse> ComputeClient::CreateKeyPair(
    const v1::CreateKeyPairRequest& request) {
  return Unary("CreateKeyPair", &Stub::CreateKeyPair, request, timeout_);
}

RpcResult<v1::KeyPairInfo> ComputeClient::ImportKeyPair(const v1::ImportKeyPairRequest& request) {
  return Unary("ImportKeyPair", &Stub::ImportKeyPair, request, timeout_);
}

RpcResult<v1::DescribeKeyPairsResponse> ComputeClient::DescribeKeyPairs(
    const v1::DescribeKeyPairsRequest& request) {
  return Unary("DescribeKeyPairs", &Stub::DescribeKeyPairs, request, timeout_);
}

RpcResult<v1::DeleteKeyPairResponse> ComputeClient::DeleteKeyPair(
    const v1::DeleteKeyPairRequest& request) {
  return Unary("DeleteKeyPair", &Stub::DeleteKeyPair, request, timeout_);
}

RpcResult<v1::DescribeHostsResponse> ComputeClient::DescribeHosts(
    const v1::DescribeHostsRequest& request) {
  return Unary("DescribeHosts", &Stub::DescribeHosts, request, timeout_);
}

RpcResult<v1::CreateJoinTokenResponse> ComputeClient::CreateJoinToken(
    const v1::CreateJoinTokenRequest& request) {
  return Unary("CreateJoinToken", &Stub::CreateJoinToken, request, timeout_);
}

RpcResult<v1::Host> ComputeClient::DisableHost(const v1::DisableHostRequest& request) {
  return Unary("DisableHost", &Stub::DisableHost, request, timeout_);
}

RpcResult<v1::Host> ComputeClient::EnableHost(const v1::EnableHostRequest& request) {
  return Unary("EnableHost", &Stub::EnableHost, request, timeout_);
}

RpcResult<v1::DescribeAvailabilityZonesResponse> ComputeClient::DescribeAvailabilityZones(
    const v1::DescribeAvailabilityZonesRequest& request) {
  return Unary("DescribeAvailabilityZones", &Stub::DescribeAvailabilityZones, request, timeout_);
}

RpcResult<v1::PlacementGroup> ComputeClient::CreatePlacementGroup(
    const v1::CreatePlacementGroupRequest& request) {
  return Unary("CreatePlacementGroup", &Stub::CreatePlacementGroup, request, timeout_);
}

RpcResult<v1::DescribePlacementGroupsResponse> ComputeClient::DescribePlacementGroups(
    const v1::DescribePlacementGroupsRequest& request) {
  return Unary("DescribePlacementGroups", &Stub::DescribePlacementGroups, request, timeout_);
}

RpcResult<v1::DeletePlacementGroupResponse> ComputeClient::DeletePlacementGroup(
    const v1::DeletePlacementGroupRequest& request) {
  return Unary("DeletePlacementGroup", &Stub::DeletePlacementGroup, request, timeout_);
}

RpcResult<v1::DescribeQuotasResponse> ComputeClient::DescribeQuotas(
    const v1::DescribeQuotasRequest& request) {
  return Unary("DescribeQuotas", &Stub::DescribeQuotas, request, timeout_);
}

RpcResult<v1::Quota> ComputeClient::SetQuota(const v1::SetQuotaRequest& request) {
  return Unary("SetQuota", &Stub::SetQuota, request, timeout_);
}

RpcResult<v1::CallerIdentity> ComputeClient::GetCallerIdentity(
    const v1::GetCallerIdentityRequest& request) {
  return Unary("GetCallerIdentity", &Stub::GetCallerIdentity, request, timeout_);
}

RpcResult<v1::Project> ComputeClient::CreateProject(const v1::CreateProjectRequest& request) {
  return Unary("CreateProject", &Stub::CreateProject, request, timeout_);
}

RpcResult<v1::DescribeProjectsResponse> ComputeClient::DescribeProjects(
    const v1::DescribeProjectsRequest& request) {
  return Unary("DescribeProjects", &Stub::DescribeProjects, request, timeout_);
}

RpcResult<v1::User> ComputeClient::CreateUser(const v1::CreateUserRequest& request) {
  return Unary("CreateUser", &Stub::CreateUser, request, timeout_);
}

RpcResult<v1::DescribeUsersResponse> ComputeClient::DescribeUsers(
    const v1::DescribeUsersRequest& request) {
  return Unary("DescribeUsers", &Stub::DescribeUsers, request, timeout_);
}

RpcResult<v1::DeleteUserResponse> ComputeClient::DeleteUser(const v1::DeleteUserRequest& request) {
  return Unary("DeleteUser", &Stub::DeleteUser, request, timeout_);
}

RpcResult<v1::User> ComputeClient::SetUserRole(const v1::SetUserRoleRequest& request) {
  return Unary("SetUserRole", &Stub::SetUserRole, request, timeout_);
}

RpcResult<v1::AccessKey> ComputeClient::CreateAccessKey(const v1::CreateAccessKeyRequest& request) {
  return Unary("CreateAccessKey", &Stub::CreateAccessKey, request, timeout_);
}

RpcResult<v1::DescribeAccessKeysResponse> ComputeClient::DescribeAccessKeys(
    const v1::DescribeAccessKeysRequest& request) {
  return Unary("DescribeAccessKeys", &Stub::DescribeAccessKeys, request, timeout_);
}

RpcResult<v1::AccessKey> ComputeClient::UpdateAccessKey(const v1::UpdateAccessKeyRequest& request) {
  return Unary("UpdateAccessKey", &Stub::UpdateAccessKey, request, timeout_);
}

RpcResult<v1::DeleteAccessKeyResponse> ComputeClient::DeleteAccessKey(
    const v1::DeleteAccessKeyRequest& request) {
  return Unary("DeleteAccessKey", &Stub::DeleteAccessKey, request, timeout_);
}

RpcResult<v1::AccessKey> ComputeClient::RotateAccessKey(const v1::RotateAccessKeyRequest& request) {
  return Unary("RotateAccessKey", &Stub::RotateAccessKey, request, timeout_);
}

RpcResult<v1::DescribeAuditEventsResponse> ComputeClient::DescribeAuditEvents(
    const v1::DescribeAuditEventsRequest& request) {
  return Unary("DescribeAuditEvents", &Stub::DescribeAuditEvents, request, timeout_);
}

RpcResult<int64_t> ComputeClient::WatchEvents(
    const v1::WatchEventsRequest& request, const std::function<bool(const v1::Event&)>& on_event) {
  const std::chrono::milliseconds timeout =
      request.follow() ? std::chrono::milliseconds(0) : timeout_;
  TraceRequest("WatchEvents", request, timeout);
  auto started = std::chrono::steady_clock::now();
  grpc::ClientContext context;
  Prepare(context, timeout);
  RpcResult<int64_t> result;
  result.operation = "WatchEvents";
  result.response = 0;
  std::unique_ptr<grpc::ClientReaderInterface<v1::Event>> reader =
      stub_->WatchEvents(&context, request);
  v1::Event event;
  bool stopped_by_caller = false;
  while (reader->Read(&event)) {
    ++result.response;
    if (!on_event(event)) {
      stopped_by_caller = true;
      context.TryCancel();
      // Finish() may only follow a Read() that returned false.
      while (reader->Read(&event)) {
      }
      break;
    }
  }
  result.status = reader->Finish();
  if (stopped_by_caller) result.status = grpc::Status::OK;
  TraceReply("WatchEvents", result.status, started);
  return result;
}

}  // namespace gureum::cli
