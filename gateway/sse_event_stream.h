// SseEventStream: relays one WatchEvents server stream to one HTTP client as
// Server-Sent Events. Each event is written as
//   id: <sequence>\ndata: <gureum.v1.Event as proto JSON>\n\n
// so a browser's EventSource resumes after a reconnect with Last-Event-ID.
// A comment line is sent every `heartbeat` while nothing happens; that is how
// a client that went away is noticed (the write fails) and the gRPC stream is
// cancelled. One object per HTTP request; Run() is called from one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "gateway/request_security.h"
#include "gureum/v1/compute.grpc.pb.h"

namespace gureum::gateway {

class SseEventStream {
 public:
  // `stub` and `stopping` must outlive Run(). `stopping` turns true when the
  // gateway shuts down. `metadata` (the HTTP request's credentials) goes on
  // the WatchEvents call.
  SseEventStream(v1::Compute::StubInterface* stub, v1::WatchEventsRequest request,
                 std::chrono::milliseconds heartbeat, const std::atomic<bool>* stopping,
                 CallMetadata metadata = {});

  // Writes the stream through `write` (which returns false once the client is
  // gone) until the client leaves, the controller ends the stream (no follow,
  // or an error, sent as `event: error` with the JSON error body) or the
  // gateway stops.
  void Run(const std::function<bool(std::string_view)>& write);

  // One event in SSE framing.
  static std::string Format(const v1::Event& event);

 private:
  v1::Compute::StubInterface* stub_;
  v1::WatchEventsRequest request_;
  std::chrono::milliseconds heartbeat_;
  const std::atomic<bool>* stopping_;
  CallMetadata metadata_;
};

}  // namespace gureum::gateway
