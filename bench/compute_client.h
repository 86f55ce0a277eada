// ComputeClient: the benchmarks' way to the public Compute API, with the
// optional API key sent as `x-gureum-api-key` metadata on every call and a
// deadline. Thread-safe (gRPC stubs are).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "gureum/v1/compute.grpc.pb.h"

namespace gureum::bench {

class ComputeClient {
 public:
  // `channels` separate connections, used round-robin by Stub(i).
  ComputeClient(const std::string& address, std::string api_key, int channels = 1);

  v1::Compute::Stub& Stub(size_t i) { return *stubs_[i % stubs_.size()]; }
  // A context carrying the API key (if any) and a deadline `timeout` from now.
  std::unique_ptr<grpc::ClientContext> Context(
      std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;

  // Imports a raw image file on the controller's host and returns its id.
  grpc::Status ImportImage(const std::string& name, const std::string& path, std::string* id);
  // Instances in `state` (one page of at most `limit`, so it stays cheap).
  grpc::Status CountInState(const std::string& state, int limit, int* count);

 private:
  std::string api_key_;
  std::vector<std::unique_ptr<v1::Compute::Stub>> stubs_;
};

}  // namespace gureum::bench
