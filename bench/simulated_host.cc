#include "bench/simulated_host.h"

#include <spdlog/spdlog.h>

namespace gureum::bench {

SimulatedHost::SimulatedHost(SimulatedHostOptions options, const Clock& clock,
                             std::function<void(SimulatedHost*)> on_desired)
    : options_(std::move(options)),
      on_desired_(std::move(on_desired)),
      driver_(clock, agent::FakeDriverOptions{.capabilities = {.vcpus = options_.vcpus,
                                                               .memory_mib = options_.memory_mib,
                                                               .disk_gib = options_.disk_gib,
                                                               .hypervisor_type = "fake",
                                                               .virt_type = "fake"}}),
      sync_(driver_, artifacts_, clock) {}

void SimulatedHost::Start(agent::v1::AgentController::Stub& stub) {
  if (!options_.api_key.empty()) context_.AddMetadata("x-gureum-api-key", options_.api_key);
  stub.async()->Connect(&context_, this);
  {
    std::lock_guard lock(mutex_);
    started_ = true;
  }
  agent::v1::AgentMessage message;
  agent::v1::Register* r = message.mutable_register_();
  r->set_host_name(options_.host_name);
  r->set_vcpus(options_.vcpus);
  r->set_memory_mib(options_.memory_mib);
  r->set_disk_gib(options_.disk_gib);
  r->set_hypervisor_type("fake");
  r->set_virt_type("fake");
  r->set_agent_version("host-simulator");
  r->set_availability_zone(options_.availability_zone);
  Enqueue(std::move(message));
  StartRead(&incoming_);
  StartCall();
}

void SimulatedHost::Stop() {
  std::unique_lock lock(mutex_);
  if (!started_) return;
  context_.TryCancel();
  done_cv_.wait(lock, [this] { return done_; });
}

void SimulatedHost::Converge() {
  agent::ConvergeResult result = sync_.Converge();
  int running = 0;
  for (const agent::v1::ObservedInstance& o : result.all) {
    if (o.state() == agent::v1::OBSERVED_RUNNING) ++running;
  }
  running_.store(running);
  if (!result.changed.empty()) {
    agent::v1::AgentMessage report;
    for (agent::v1::ObservedInstance& o : result.changed) {
      *report.mutable_report()->add_instances() = std::move(o);
    }
    Enqueue(std::move(report));
  }
  SendHeartbeat();
}

void SimulatedHost::SendHeartbeat() {
  agent::v1::AgentMessage heartbeat;
  heartbeat.mutable_heartbeat()->set_applied_generation(sync_.applied_generation());
  Enqueue(std::move(heartbeat));
}

void SimulatedHost::Enqueue(agent::v1::AgentMessage message) {
  std::lock_guard lock(mutex_);
  if (done_) return;
  outgoing_.push_back(std::move(message));
  if (!writing_) {
    writing_ = true;
    StartWrite(&outgoing_.front());  // deque::push_back keeps references valid
  }
}

void SimulatedHost::OnWriteDone(bool ok) {
  std::lock_guard lock(mutex_);
  outgoing_.pop_front();
  if (!ok) {
    outgoing_.clear();
    writing_ = false;
    return;
  }
  if (outgoing_.empty()) {
    writing_ = false;
  } else {
    StartWrite(&outgoing_.front());
  }
}

void SimulatedHost::OnReadDone(bool ok) {
  if (!ok) return;  // the stream ended; OnDone follows
  switch (incoming_.kind_case()) {
    case agent::v1::ControllerMessage::kWelcome:
      welcomed_.store(true);
      break;
    case agent::v1::ControllerMessage::kDesired:
      sync_.SetDesired(std::move(*incoming_.mutable_desired()));
      on_desired_(this);
      break;
    default:
      break;  // console requests are not simulated
  }
  StartRead(&incoming_);
}

void SimulatedHost::OnDone(const grpc::Status& status) {
  if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
    spdlog::warn("simulator: stream of {} ended: {}", options_.host_name, status.error_message());
  }
  welcomed_.store(false);
  std::lock_guard lock(mutex_);
  done_ = true;
  done_cv_.notify_all();
}

}  // namespace gureum::bench
