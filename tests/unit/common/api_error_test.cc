#include "common/api_error.h"

#include <catch2/catch.hpp>

namespace gureum {

TEST_CASE("an API error survives the trip through a gRPC status") {
  // This test verifies that the EC2 code, field and message reach a client intact.
  absl::Status status = InvalidParameter("MaxCount", "MaxCount must be between 1 and 100");
  grpc::Status wire = ToGrpcStatus(status, "req-1");
  CHECK(wire.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(wire.error_message() == "InvalidParameterValue: MaxCount must be between 1 and 100");
  ApiErrorParts parts = FromGrpcStatus(wire);
  CHECK(parts.code == "InvalidParameterValue");
  CHECK(parts.field == "MaxCount");
  CHECK(parts.message == "MaxCount must be between 1 and 100");
  CHECK(parts.request_id == "req-1");
}

TEST_CASE("a status without an EC2 code gets one from its canonical code") {
  CHECK(ErrorCodeOf(absl::InternalError("boom")) == "InternalError");
  ApiErrorParts parts = FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "no route"));
  CHECK(parts.code == "ServiceUnavailable");
  CHECK(parts.message == "no route");
}

TEST_CASE("named constructors carry their EC2 code, canonical code and field") {
  // This test verifies the constructors call sites use instead of code strings.
  absl::Status denied = UnauthorizedOperation("ProjectId", "not yours");
  CHECK(absl::IsPermissionDenied(denied));
  CHECK(ErrorCodeOf(denied) == "UnauthorizedOperation");
  CHECK(ErrorFieldOf(denied) == "ProjectId");
  absl::Status full = InsufficientFreeAddresses("MinCount", "2 free, 3 requested");
  CHECK(absl::IsResourceExhausted(full));
  CHECK(ErrorCodeOf(full) == "InsufficientFreeAddressesInSubnet");
  CHECK(ErrorFieldOf(full) == "MinCount");
}

}  // namespace gureum
