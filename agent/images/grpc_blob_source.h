// GrpcBlobSource: a BlobSource over the controller's
// gureum.agent.v1.AgentController.FetchBlob (server-streaming BlobChunk).
// Thread-safe: every Fetch is an independent call on the shared channel.
#pragma once

#include <chrono>
#include <memory>

#include <grpcpp/channel.h>

#include "agent/images/blob_source.h"
#include "gureum/agent/v1/agent.grpc.pb.h"

namespace gureum::agent {

class GrpcBlobSource final : public BlobSource {
 public:
  // `deadline` bounds one whole Fetch call. Images are large, so it must allow
  // for the largest image at the slowest expected link; an interrupted fetch is
  // resumed by the cache from where it stopped, not restarted.
  // `host_name` names the asking host to a plaintext controller.
  GrpcBlobSource(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds deadline,
                 std::string host_name = "");

  absl::Status Fetch(const std::string& sha256, int64_t offset, const Sink& sink) override;

 private:
  std::unique_ptr<v1::AgentController::Stub> stub_;
  std::chrono::milliseconds deadline_;
  std::string host_name_;
};

}  // namespace gureum::agent
