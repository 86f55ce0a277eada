// ComputeApi: a gRPC client of a TestCluster's public API for integration
// tests that need what the CLI does not give (concurrent requests, exact
// error parts). Test-only. Thread-safe (gRPC stubs are).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "common/api_error.h"
#include "gureum/v1/compute.grpc.pb.h"

namespace gureum::testing {

class ComputeApi {
 public:
  // `api_key` (ACCESS_KEY_ID:SECRET) is sent with every call when not empty.
  ComputeApi(
      const std::string& endpoint, std::string api_key,
      std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials())
      : stub_(v1::Compute::NewStub(grpc::CreateChannel(endpoint, std::move(credentials)))),
        api_key_(std::move(api_key)) {}

  // Calls `method` with a 30 s deadline; returns the error parts (code empty on success).
  template <typename Request, typename Response>
  ApiErrorParts Call(grpc::Status (v1::Compute::Stub::*method)(grpc::ClientContext*, const Request&,
                                                               Response*),
                     const Request& request, Response* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!api_key_.empty()) context.AddMetadata("x-gureum-api-key", api_key_);
    return FromGrpcStatus(((*stub_).*method)(&context, request, response));
  }

  v1::Compute::Stub& stub() { return *stub_; }

 private:
  std::unique_ptr<v1::Compute::Stub> stub_;
  std::string api_key_;
};

}  // namespace gureum::testing
