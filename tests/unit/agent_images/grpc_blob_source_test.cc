#include "agent/images/grpc_blob_source.h"

#include <chrono>
#include <map>
#include <thread>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <catch2/catch.hpp>

#include "agent/images/image_cache.h"
#include "common/clock.h"
#include "common/sha256.h"
#include "gureum/agent/v1/agent.grpc.pb.h"
#include "tests/unit/agent_images/test_files.h"

namespace gureum::agent {
namespace {

using testing::PatternBytes;
using testing::ReadFile;
using testing::TempDir;
using namespace std::chrono_literals;

// Serves blobs the way the controller does: chunks from the requested offset.
// One blob, `stall`, sends a chunk and then nothing until the call is cancelled.
class FakeController final : public v1::AgentController::Service {
 public:
  std::map<std::string, std::string> blobs;
  std::string stall_sha;

  grpc::Status FetchBlob(grpc::ServerContext* context, const v1::FetchBlobRequest* request,
                         grpc::ServerWriter<v1::BlobChunk>* writer) override {
    if (request->sha256() == stall_sha) {
      v1::BlobChunk chunk;
      chunk.set_data("x");
      writer->Write(chunk);
      while (!context->IsCancelled()) std::this_thread::sleep_for(5ms);
      return grpc::Status::CANCELLED;
    }
    auto blob = blobs.find(request->sha256());
    if (blob == blobs.end()) return {grpc::StatusCode::NOT_FOUND, "no such blob"};
    const std::string& data = blob->second;
    for (size_t pos = static_cast<size_t>(request->offset()); pos < data.size(); pos += 1000) {
      v1::BlobChunk chunk;
      chunk.set_data(data.substr(pos, 1000));
      chunk.set_total_size(static_cast<int64_t>(data.size()));
      if (!writer->Write(chunk)) break;
    }
    return grpc::Status::OK;
  }
};

// An in-process controller on a free localhost port.
struct ServerFixture {
  FakeController service;
  std::unique_ptr<grpc::Server> server;
  std::shared_ptr<grpc::Channel> channel;

  ServerFixture() {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
    channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                  grpc::InsecureChannelCredentials());
  }
  ~ServerFixture() { server->Shutdown(std::chrono::system_clock::now() + 1s); }
};

TEST_CASE("grpc blob source streams a blob from the requested offset") {
  // This test verifies that FetchBlob chunks reach the sink in order, starting
  // at the offset asked for.
  ServerFixture fixture;
  const std::string content = PatternBytes(5'500);
  fixture.service.blobs["b"] = content;
  GrpcBlobSource source(fixture.channel, 10s);

  std::string received;
  auto sink = [&](std::string_view data) {
    received.append(data);
    return absl::OkStatus();
  };
  REQUIRE(source.Fetch("b", 0, sink).ok());
  CHECK(received == content);

  received.clear();
  REQUIRE(source.Fetch("b", 4'321, sink).ok());
  CHECK(received == content.substr(4'321));
}

TEST_CASE("grpc blob source reports the server's error with its code") {
  // This test verifies that a missing blob comes back as NotFound naming the blob.
  ServerFixture fixture;
  GrpcBlobSource source(fixture.channel, 10s);
  absl::Status status =
      source.Fetch("missing", 0, [](std::string_view) { return absl::OkStatus(); });
  CHECK(absl::IsNotFound(status));
  CHECK(std::string(status.message()).find("missing") != std::string::npos);
}

TEST_CASE("grpc blob source gives up at its deadline") {
  // This test verifies that a stalled transfer ends with DeadlineExceeded
  // (which the cache treats as resumable) instead of hanging.
  ServerFixture fixture;
  fixture.service.stall_sha = "slow";
  GrpcBlobSource source(fixture.channel, 300ms);
  std::string received;
  absl::Status status = source.Fetch("slow", 0, [&](std::string_view data) {
    received.append(data);
    return absl::OkStatus();
  });
  CHECK(absl::IsDeadlineExceeded(status));
  CHECK(received == "x");
}

TEST_CASE("grpc blob source stops the stream when the sink refuses data") {
  // This test verifies that the sink's error is returned as is and the rest
  // of the stream is not consumed.
  ServerFixture fixture;
  fixture.service.blobs["b"] = PatternBytes(50'000);
  GrpcBlobSource source(fixture.channel, 10s);
  int chunks = 0;
  absl::Status status = source.Fetch("b", 0, [&](std::string_view) {
    ++chunks;
    return absl::ResourceExhaustedError("disk full");
  });
  CHECK(status == absl::ResourceExhaustedError("disk full"));
  CHECK(chunks == 1);
}

TEST_CASE("image cache downloads and verifies a blob over gRPC") {
  // This test verifies the real wiring: ImageCache on GrpcBlobSource on a
  // controller stream.
  ServerFixture fixture;
  const std::string content = PatternBytes(123'456);
  const std::string sha = Sha256Hex(content);
  fixture.service.blobs[sha] = content;
  GrpcBlobSource source(fixture.channel, 10s);
  TempDir dir;
  ManualClock clock;
  ImageCache cache({.dir = dir / "cache"}, &source, &clock);
  REQUIRE(cache.Open().ok());

  absl::StatusOr<std::string> path = cache.Acquire(sha, 123'456);
  REQUIRE(path.ok());
  CHECK(ReadFile(*path) == content);
}

}  // namespace
}  // namespace gureum::agent
