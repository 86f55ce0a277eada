// AgentStream: one agent's Connect stream on gRPC's callback API, so that
// thousands of connected hosts cost no thread each (with the synchronous API
// every stream held a handler thread and a writer thread: 20,000 threads at
// 10,000 hosts, docs/benchmarks.md).
//
// One read is outstanding at a time; each message is handled on the
// TaskPool (registration, heartbeats, reports and console replies may write
// to the store) and the next read starts when it is done, so a host's
// messages apply in order. Writes go out one at a time from a queue. The
// desired set is rebuilt on the pool when the session is marked dirty, at
// most one build and one unsent desired set at a time, so bursts of changes
// coalesce into one push of the newest set.
//
// Lifetime: gRPC calls OnDone once the stream is finished; the stream then
// waits for its tasks on the pool, unregisters its session (marking the host
// unreachable if it was still the host's current session) and deletes itself.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <grpcpp/grpcpp.h>

#include "controller/agents/agent_registry.h"
#include "controller/agents/agent_session.h"
#include "controller/agents/task_pool.h"
#include "controller/core/agent_report_applier.h"
#include "controller/core/desired_set_builder.h"
#include "controller/core/host_directory.h"
#include "controller/store/store.h"
#include "gureum/agent/v1/agent.grpc.pb.h"

namespace gureum::controller {

struct AgentStreamDeps {
  AgentRegistry& registry;
  HostDirectory& hosts;
  AgentReportApplier& reports;
  DesiredSetBuilder& desired;
  Store& store;
  TaskPool& pool;
  std::chrono::milliseconds heartbeat_interval;
};

class AgentStream final
    : public grpc::ServerBidiReactor<agent::v1::AgentMessage, agent::v1::ControllerMessage>,
      public AgentSession::Link {
 public:
  // `identity`: the verified host name (mTLS), nullopt on a plaintext
  // controller, or the refusal that finishes the stream at once.
  AgentStream(const AgentStreamDeps& deps, absl::StatusOr<std::optional<std::string>> identity,
              std::string peer);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

  void PushDesired() override;
  void PushConsole(const agent::v1::ConsoleRequest& request) override;
  void Close() override;

 private:
  // On the pool: the message in `in_`.
  void Handle();
  // The first message; returns the refusal that ends the stream, if any.
  absl::Status Register(const agent::v1::AgentMessage& first);
  absl::Status Apply(const agent::v1::AgentMessage& message);
  absl::Status CheckConsoleReply(const agent::v1::ConsoleReply& reply);
  void BuildDesired();

  // mutex_ held:
  void EndLocked(const grpc::Status& status);
  void SendLocked(agent::v1::ControllerMessage message, bool desired);
  void PumpLocked();
  void MaybeBuildLocked();

  // Runs fn on the pool, keeping this stream alive until it returns.
  template <typename Fn>
  void Post(Fn&& fn);
  void Release();

  const AgentStreamDeps deps_;
  const std::optional<std::string> identity_;
  const std::string peer_;
  agent::v1::AgentMessage in_;  // the read in flight, or the message being handled
  std::string host_id_;         // set by Register on the pool, before any other use
  std::string host_name_;

  std::mutex mutex_;
  std::shared_ptr<AgentSession> session_;           // guarded by mutex_
  std::deque<agent::v1::ControllerMessage> out_;    // guarded by mutex_; front is in flight
  std::deque<bool> out_is_desired_;                 // guarded by mutex_; parallel to out_
  bool writing_ = false;                            // guarded by mutex_
  bool finished_ = false;                           // guarded by mutex_: Finish called or due
  std::optional<grpc::Status> finish_after_write_;  // guarded by mutex_
  bool dirty_ = false;                              // guarded by mutex_
  bool building_ = false;                           // guarded by mutex_
  bool desired_queued_ = false;                     // guarded by mutex_
  int64_t generation_ = 0;                          // guarded by mutex_
  int refs_ = 1;                                    // guarded by mutex_; 1 until OnDone
};

}  // namespace gureum::controller
