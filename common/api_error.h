// EC2-style API errors carried in absl::Status, and their mapping to and from
// gRPC status in one place. Thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>

#include <absl/status/status.h>
#include <grpcpp/support/status.h>

namespace gureum {

// EC2 error codes used across the API.
namespace errc {
inline constexpr std::string_view kInvalidParameterValue = "InvalidParameterValue";
inline constexpr std::string_view kMissingParameter = "MissingParameter";
inline constexpr std::string_view kInvalidParameterCombination = "InvalidParameterCombination";
inline constexpr std::string_view kIncorrectInstanceState = "IncorrectInstanceState";
inline constexpr std::string_view kInvalidInstanceIdMalformed = "InvalidInstanceID.Malformed";
inline constexpr std::string_view kInvalidInstanceIdNotFound = "InvalidInstanceID.NotFound";
inline constexpr std::string_view kInvalidAmiIdMalformed = "InvalidAMIID.Malformed";
inline constexpr std::string_view kInvalidAmiIdNotFound = "InvalidAMIID.NotFound";
inline constexpr std::string_view kInvalidKeyPairNotFound = "InvalidKeyPair.NotFound";
inline constexpr std::string_view kInvalidKeyPairDuplicate = "InvalidKeyPair.Duplicate";
inline constexpr std::string_view kInvalidKeyFormat = "InvalidKey.Format";
inline constexpr std::string_view kInvalidInstanceType = "InvalidInstanceType";
inline constexpr std::string_view kInvalidFilter = "InvalidFilter";
inline constexpr std::string_view kInvalidNextToken = "InvalidNextToken";
inline constexpr std::string_view kInvalidHostIdNotFound = "InvalidHostID.NotFound";
inline constexpr std::string_view kInvalidUserDataMalformed = "InvalidUserData.Malformed";
inline constexpr std::string_view kInstanceLimitExceeded = "InstanceLimitExceeded";
inline constexpr std::string_view kVcpuLimitExceeded = "VcpuLimitExceeded";
inline constexpr std::string_view kMemoryLimitExceeded = "MemoryLimitExceeded";
inline constexpr std::string_view kDiskLimitExceeded = "DiskLimitExceeded";
inline constexpr std::string_view kInvalidPlacementGroupUnknown = "InvalidPlacementGroup.Unknown";
inline constexpr std::string_view kInvalidPlacementGroupDuplicate =
    "InvalidPlacementGroup.Duplicate";
inline constexpr std::string_view kInvalidPlacementGroupInUse = "InvalidPlacementGroup.InUse";
inline constexpr std::string_view kInsufficientInstanceCapacity = "InsufficientInstanceCapacity";
inline constexpr std::string_view kInsufficientFreeAddressesInSubnet =
    "InsufficientFreeAddressesInSubnet";
inline constexpr std::string_view kIdempotentParameterMismatch = "IdempotentParameterMismatch";
inline constexpr std::string_view kDependencyViolation = "DependencyViolation";
inline constexpr std::string_view kDryRunOperation = "DryRunOperation";
inline constexpr std::string_view kRequestLimitExceeded = "RequestLimitExceeded";
inline constexpr std::string_view kUnavailable = "ServiceUnavailable";
inline constexpr std::string_view kInternalError = "InternalError";
// Identity and access (IAM-style codes).
inline constexpr std::string_view kAuthFailure = "AuthFailure";
inline constexpr std::string_view kUnauthorizedOperation = "UnauthorizedOperation";
inline constexpr std::string_view kNoSuchEntity = "NoSuchEntity";
inline constexpr std::string_view kEntityAlreadyExists = "EntityAlreadyExists";
inline constexpr std::string_view kInvalidProjectNotFound = "InvalidProject.NotFound";
}  // namespace errc

// Builds a status with an EC2 code and the API field at fault (may be empty).
absl::Status ApiError(absl::StatusCode code, std::string_view ec2_code, std::string_view field,
                      std::string_view message);

// Shorthands for the common cases.
absl::Status InvalidParameter(std::string_view field, std::string_view message);
absl::Status NotFoundError(std::string_view ec2_code, std::string_view field,
                           std::string_view message);
// The caller's role does not allow the operation (PermissionDenied).
absl::Status UnauthorizedOperation(std::string_view field, std::string_view message);
// The network has fewer free addresses than the request needs.
absl::Status InsufficientFreeAddresses(std::string_view field, std::string_view message);

// The EC2 code and field carried by a status ("" when absent). A status without
// an EC2 code gets one derived from its canonical code.
std::string ErrorCodeOf(const absl::Status& status);
std::string ErrorFieldOf(const absl::Status& status);

// absl -> gRPC: the message reads "<Code>: <message>" and error_details holds a
// serialized gureum.v1.ErrorDetail.
grpc::Status ToGrpcStatus(const absl::Status& status, std::string_view request_id = "");

// gRPC -> parts, for clients (CLI, gateway).
struct ApiErrorParts {
  grpc::StatusCode grpc_code = grpc::StatusCode::OK;
  std::string code;
  std::string message;
  std::string field;
  std::string request_id;
};
ApiErrorParts FromGrpcStatus(const grpc::Status& status);

}  // namespace gureum
