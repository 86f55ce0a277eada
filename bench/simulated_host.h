// SimulatedHost: one fake host of the host simulator. It is a real client of
// AgentController.Connect (its own host name, context and stream) driven by
// gRPC's callback API, so ten thousand of them need no thread each. Desired
// sets go to the agent's own DesiredStateSync over a FakeDriver, exactly as
// `gureum-agent --driver fake` converges them; what changed is reported back.
//
// Thread-safety: gRPC calls the reactor methods on its threads; Converge() is
// called by one HostSimulator worker at a time (DesiredStateSync serialises
// it anyway); Enqueue is safe from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <grpcpp/grpcpp.h>

#include "agent/hypervisor/fake/fake_driver.h"
#include "agent/sync/desired_state_sync.h"
#include "agent/sync/no_artifacts.h"
#include "gureum/agent/v1/agent.grpc.pb.h"

namespace gureum::bench {

struct SimulatedHostOptions {
  std::string host_name;
  std::string availability_zone = "zone-a";
  // Big enough for 1,000 g1.nano instances per host by default.
  int vcpus = 1024;
  int64_t memory_mib = 1 << 20;
  int64_t disk_gib = 1 << 16;
  std::string api_key;  // sent as x-gureum-api-key when not empty
};

class SimulatedHost
    : public grpc::ClientBidiReactor<agent::v1::AgentMessage, agent::v1::ControllerMessage> {
 public:
  // `on_desired` is called (from a gRPC thread) when a desired set arrived and
  // the host needs a Converge.
  SimulatedHost(SimulatedHostOptions options, const Clock& clock,
                std::function<void(SimulatedHost*)> on_desired);

  // Dials on `stub` and sends Register. Call once.
  void Start(agent::v1::AgentController::Stub& stub);
  // Cancels the stream and waits until gRPC is done with the reactor.
  void Stop();

  // Applies the latest desired set to the fake hypervisor and reports what
  // changed plus a heartbeat carrying the applied generation.
  void Converge();
  void SendHeartbeat();

  bool welcomed() const { return welcomed_.load(); }
  // Instances the fake hypervisor runs right now (as of the last Converge).
  int running() const { return running_.load(); }
  const std::string& host_name() const { return options_.host_name; }

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  void Enqueue(agent::v1::AgentMessage message);

  const SimulatedHostOptions options_;
  std::function<void(SimulatedHost*)> on_desired_;
  agent::FakeDriver driver_;
  agent::NoArtifacts artifacts_;
  agent::DesiredStateSync sync_;

  grpc::ClientContext context_;
  agent::v1::ControllerMessage incoming_;  // gRPC's read buffer

  std::mutex mutex_;
  std::condition_variable done_cv_;
  std::deque<agent::v1::AgentMessage> outgoing_;  // guarded by mutex_; front is being written
  bool writing_ = false;                          // guarded by mutex_
  bool done_ = false;                             // guarded by mutex_
  bool started_ = false;                          // guarded by mutex_

  std::atomic<bool> welcomed_{false};
  std::atomic<int> running_{0};
};

}  // namespace gureum::bench
