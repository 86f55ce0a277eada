// AgentSession: one connected agent's Connect stream, seen from the
// controller. A writer thread pushes the host's whole desired set whenever it
// is marked dirty (coalescing bursts of changes) and sends console requests;
// the gRPC handler thread reads. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "gureum/agent/v1/agent.grpc.pb.h"

namespace gureum::controller {

class AgentSession {
 public:
  using Stream = grpc::ServerReaderWriter<agent::v1::ControllerMessage, agent::v1::AgentMessage>;
  // Builds the desired set to push; an error skips this push (the next
  // change or reconnect brings it).
  using DesiredSetSource = std::function<bool(agent::v1::DesiredSet*)>;

  AgentSession(std::string host_id, std::string host_name, Stream* stream, DesiredSetSource source);
  ~AgentSession();

  const std::string& host_id() const { return host_id_; }
  const std::string& host_name() const { return host_name_; }

  // Sends a message now (Welcome) from the caller's thread.
  bool Send(const agent::v1::ControllerMessage& message);
  // Asks the writer to push the desired set again.
  void MarkDirty();
  // Queues a console request for the writer.
  void RequestConsole(const agent::v1::ConsoleRequest& request);
  // Stops the writer; no write happens after this returns.
  void Close();

 private:
  void WriterLoop();

  const std::string host_id_;
  const std::string host_name_;
  Stream* stream_;
  DesiredSetSource source_;

  std::mutex write_mutex_;  // serialises stream_->Write
  std::mutex join_mutex_;   // one thread joins the writer
  std::mutex mutex_;
  std::condition_variable cv_;
  bool dirty_ = false;                             // guarded by mutex_
  bool closed_ = false;                            // guarded by mutex_
  std::deque<agent::v1::ConsoleRequest> console_;  // guarded by mutex_
  int64_t generation_ = 0;                         // writer thread only
  std::thread writer_;
};

}  // namespace gureum::controller
