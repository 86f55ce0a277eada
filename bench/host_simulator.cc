#include "bench/host_simulator.h"

namespace gureum::bench {

HostSimulator::HostSimulator(HostSimulatorOptions options) : options_(std::move(options)) {}

HostSimulator::~HostSimulator() { Stop(); }

void HostSimulator::Start() {
  for (int c = 0; c < std::max(1, options_.channels); ++c) {
    grpc::ChannelArguments args;
    // Distinct arguments keep gRPC from sharing one subchannel (connection).
    args.SetInt("gureum.bench.channel", c);
    args.SetMaxReceiveMessageSize(-1);
    channels_.push_back(grpc::CreateCustomChannel(options_.controller_address,
                                                  grpc::InsecureChannelCredentials(), args));
    stubs_.push_back(agent::v1::AgentController::NewStub(channels_.back()));
  }
  for (int i = 0; i < options_.hosts; ++i) {
    SimulatedHostOptions host = options_.host;
    host.host_name = options_.name_prefix + std::to_string(i);
    hosts_.push_back(std::make_unique<SimulatedHost>(
        std::move(host), clock_, [this](SimulatedHost* h) { ScheduleConverge(h); }));
  }
  for (int w = 0; w < std::max(1, options_.workers); ++w) {
    threads_.emplace_back([this] { WorkerLoop(); });
  }
  threads_.emplace_back([this] { HeartbeatLoop(); });
  for (size_t i = 0; i < hosts_.size(); ++i) hosts_[i]->Start(*stubs_[i % stubs_.size()]);
}

bool HostSimulator::WaitWelcomed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    bool all = true;
    for (const auto& host : hosts_) all = all && host->welcomed();
    if (all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

int64_t HostSimulator::Running() const {
  int64_t total = 0;
  for (const auto& host : hosts_) total += host->running();
  return total;
}

void HostSimulator::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  work_cv_.notify_all();
  heartbeat_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  for (auto& host : hosts_) host->Stop();
  hosts_.clear();
}

void HostSimulator::ScheduleConverge(SimulatedHost* host) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !queued_.insert(host).second) return;
    queue_.push_back(host);
  }
  work_cv_.notify_one();
}

void HostSimulator::WorkerLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    SimulatedHost* host = queue_.front();
    queue_.pop_front();
    // Taken off before converging: a desired set arriving meanwhile queues it again.
    queued_.erase(host);
    lock.unlock();
    host->Converge();
    lock.lock();
  }
}

void HostSimulator::HeartbeatLoop() {
  std::unique_lock lock(mutex_);
  while (!heartbeat_cv_.wait_for(lock, options_.heartbeat_interval, [this] { return stopping_; })) {
    lock.unlock();
    for (auto& host : hosts_) {
      if (host->welcomed()) host->SendHeartbeat();
    }
    lock.lock();
  }
}

}  // namespace gureum::bench
