#include "agent/images/grpc_blob_source.h"

#include <absl/strings/str_cat.h>
#include <grpcpp/client_context.h>

namespace gureum::agent {

GrpcBlobSource::GrpcBlobSource(std::shared_ptr<grpc::Channel> channel,
                               std::chrono::milliseconds deadline, std::string host_name)
    : stub_(v1::AgentController::NewStub(std::move(channel))),
      deadline_(deadline),
      host_name_(std::move(host_name)) {}

absl::Status GrpcBlobSource::Fetch(const std::string& sha256, int64_t offset, const Sink& sink) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline_);
  v1::FetchBlobRequest request;
  request.set_sha256(sha256);
  request.set_offset(offset);
  request.set_host_name(host_name_);
  std::unique_ptr<grpc::ClientReader<v1::BlobChunk>> reader = stub_->FetchBlob(&context, request);

  v1::BlobChunk chunk;
  absl::Status sink_status;
  while (reader->Read(&chunk)) {
    sink_status = sink(chunk.data());
    if (!sink_status.ok()) {
      // Stop the server from streaming the rest of a blob nobody will keep.
      context.TryCancel();
      break;
    }
  }
  grpc::Status status = reader->Finish();
  if (!sink_status.ok()) return sink_status;
  if (!status.ok()) {
    // gRPC and absl share canonical code numbers.
    return absl::Status(
        static_cast<absl::StatusCode>(status.error_code()),
        absl::StrCat("FetchBlob ", sha256, " at offset ", offset, ": ", status.error_message()));
  }
  return absl::OkStatus();
}

}  // namespace gureum::agent
