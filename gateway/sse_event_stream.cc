#include "gateway/sse_event_stream.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "gateway/grpc_json_bridge.h"
#include "gateway/http_error_mapper.h"

namespace gureum::gateway {

SseEventStream::SseEventStream(v1::Compute::StubInterface* stub, v1::WatchEventsRequest request,
                               std::chrono::milliseconds heartbeat,
                               const std::atomic<bool>* stopping, CallMetadata metadata)
    : stub_(stub),
      request_(std::move(request)),
      heartbeat_(heartbeat),
      stopping_(stopping),
      metadata_(std::move(metadata)) {}

std::string SseEventStream::Format(const v1::Event& event) {
  // Proto JSON of a message has no raw newlines, so one data line suffices.
  return "id: " + std::to_string(event.sequence()) + "\ndata: " + GrpcJsonBridge::ToJson(event) +
         "\n\n";
}

void SseEventStream::Run(const std::function<bool(std::string_view)>& write) {
  // The gRPC reader blocks, so it runs on its own thread and hands frames over;
  // this thread writes them, or a heartbeat when there is nothing to write.
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::string> frames;  // guarded by mutex
  bool finished = false;           // guarded by mutex

  grpc::ClientContext context;
  if (metadata_.empty()) context.AddMetadata("x-gureum-client", "gureum-gateway");
  AddCallMetadata(metadata_, &context);
  std::thread reader([&] {
    auto stream = stub_->WatchEvents(&context, request_);
    v1::Event event;
    while (stream->Read(&event)) {
      std::lock_guard lock(mutex);
      frames.push_back(Format(event));
      ready.notify_one();
    }
    grpc::Status status = stream->Finish();
    std::lock_guard lock(mutex);
    if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
      frames.push_back("event: error\ndata: " + HttpErrorMapper::FromGrpc(status, "").body.dump() +
                       "\n\n");
    }
    finished = true;
    ready.notify_one();
  });

  // Waits in short slices so that a shutting-down gateway is not held up by
  // an idle stream for a whole heartbeat.
  constexpr std::chrono::milliseconds kSlice(200);
  auto last_write = std::chrono::steady_clock::now();
  bool client_here = write("retry: 2000\n: connected\n\n");
  while (client_here && !stopping_->load()) {
    std::deque<std::string> batch;
    bool done = false;
    {
      std::unique_lock lock(mutex);
      ready.wait_for(lock, std::min(kSlice, heartbeat_),
                     [&] { return !frames.empty() || finished; });
      batch.swap(frames);
      done = finished;
    }
    auto now = std::chrono::steady_clock::now();
    if (batch.empty() && !done) {
      if (now - last_write < heartbeat_) continue;
      client_here = write(": keep-alive\n\n");
    }
    last_write = now;
    for (const std::string& frame : batch) {
      if (!(client_here = write(frame))) break;
    }
    if (done) break;
  }
  context.TryCancel();
  reader.join();
}

}  // namespace gureum::gateway
