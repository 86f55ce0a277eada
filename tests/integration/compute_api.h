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
  explicit ComputeApi(
      const std::string& endpoint,
      std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials())
      : stub_(v1::Compute::NewStub(grpc::CreateChannel(endpoint, std::move(credentials)))) {}

  // Calls `method` with a 30 s deadline; returns the error parts (code empty on success).
  template <typename Request, typename Response>
  ApiErrorParts Call(grpc::Status (v1::Compute::Stub::*method)(grpc::ClientContext*, const Request&,
                                                               Response*),
                     const Request& request, Response* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return FromGrpcStatus(((*stub_).*method)(&context, request, response));
  }

  v1::Compute::Stub& stub() { return *stub_; }

 private:
  std::unique_ptr<v1::Compute::Stub> stub_;
};

}  // namespace gureum::testing
