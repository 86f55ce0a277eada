#include "cli/rpc/call_error_message.h"

#include <catch2/catch.hpp>

#include "common/api_error.h"

namespace gureum::cli {

using std::chrono::milliseconds;

TEST_CASE("an API error reads as the aws cli's one-liner") {
  // This test verifies the "An error occurred (Code) when calling the X operation" form.
  grpc::Status status = ToGrpcStatus(InvalidParameter("MaxCount", "MaxCount must be at most 20"));
  CHECK(CallErrorMessage("RunInstances", status, "127.0.0.1:7070", milliseconds(30'000)) ==
        "An error occurred (InvalidParameterValue) when calling the RunInstances operation: "
        "MaxCount must be at most 20");
  CHECK_FALSE(IsTransportFailure(status));
}

TEST_CASE("an API error of an unavailable controller is still an API error") {
  // This test verifies that a Gureum server's own ServiceUnavailable is not taken for a
  // connection failure, because it carries an ErrorDetail.
  grpc::Status status = ToGrpcStatus(
      ApiError(absl::StatusCode::kUnavailable, errc::kUnavailable, "", "store is read-only"));
  CHECK_FALSE(IsTransportFailure(status));
  CHECK(CallErrorMessage("StopInstances", status, "h:1", milliseconds(1000)) ==
        "An error occurred (ServiceUnavailable) when calling the StopInstances operation: "
        "store is read-only");
}

TEST_CASE("a refused connection says the endpoint could not be reached") {
  // This test verifies the message for a status from the gRPC runtime, not a server.
  grpc::Status status(grpc::StatusCode::UNAVAILABLE, "failed to connect to all addresses");
  CHECK(IsTransportFailure(status));
  CHECK(CallErrorMessage("DescribeInstances", status, "10.0.0.1:7070", milliseconds(30'000)) ==
        "Could not connect to the endpoint 10.0.0.1:7070 when calling the DescribeInstances "
        "operation: failed to connect to all addresses");
}

TEST_CASE("a call without a reply in time names the deadline") {
  // This test verifies the timeout message and its hint.
  grpc::Status status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded");
  CHECK(IsTransportFailure(status));
  CHECK(CallErrorMessage("ImportImage", status, "h:7070", milliseconds(2500)) ==
        "Read timeout on endpoint h:7070: no reply to the ImportImage operation within 2.5 s "
        "(raise --timeout)");
}

TEST_CASE("an endpoint that is not a Gureum controller is called out") {
  // This test verifies the message when the endpoint does not serve the Compute API.
  grpc::Status status(grpc::StatusCode::UNIMPLEMENTED, "not here");
  CHECK(CallErrorMessage("DescribeHosts", status, "h:80", milliseconds(1000)) ==
        "The endpoint h:80 does not serve the DescribeHosts operation (is it a Gureum "
        "controller?): not here");
}

}  // namespace gureum::cli
