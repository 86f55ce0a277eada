#include "agent/controller_link.h"

#include <algorithm>
#include <random>
#include <utility>

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include "gureum/agent/v1/agent.grpc.pb.h"

namespace gureum::agent {

using SteadyClock = std::chrono::steady_clock;

// One Connect stream. The session thread reads; the worker and the reader
// both write, one at a time under write_mutex.
struct ControllerLink::Session {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReaderWriter<v1::AgentMessage, v1::ControllerMessage>> stream;
  std::mutex write_mutex;
  bool closed = false;  // guarded by write_mutex; no write after Finish

  bool Write(const v1::AgentMessage& message) {
    std::lock_guard lock(write_mutex);
    if (closed || !stream) return false;
    return stream->Write(message);
  }
};

ControllerLink::ControllerLink(ControllerLinkOptions options, HypervisorDriver& driver,
                               DesiredStateSync& sync)
    : options_(std::move(options)),
      driver_(driver),
      sync_(sync),
      heartbeat_interval_(options_.heartbeat_interval) {}

ControllerLink::~ControllerLink() { Stop(); }

void ControllerLink::Start() {
  std::lock_guard lock(mutex_);
  if (started_) return;
  started_ = true;
  session_thread_ = std::thread([this] { SessionLoop(); });
  worker_thread_ = std::thread([this] { WorkerLoop(); });
  heartbeat_thread_ = std::thread([this] { HeartbeatLoop(); });
}

void ControllerLink::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    if (current_) current_->context.TryCancel();
  }
  wake_.notify_all();
  if (session_thread_.joinable()) session_thread_.join();
  if (worker_thread_.joinable()) worker_thread_.join();
  if (heartbeat_thread_.joinable()) heartbeat_thread_.join();
}

void ControllerLink::Nudge() {
  {
    std::lock_guard lock(mutex_);
    dirty_ = true;
  }
  wake_.notify_all();
}

bool ControllerLink::connected() const {
  std::lock_guard lock(mutex_);
  return welcomed_;
}

std::string ControllerLink::host_id() const {
  std::lock_guard lock(mutex_);
  return host_id_;
}

int ControllerLink::welcomed_sessions() const {
  std::lock_guard lock(mutex_);
  return welcomed_sessions_;
}

void ControllerLink::SessionLoop() {
  std::chrono::milliseconds backoff = options_.initial_backoff;
  while (true) {
    bool welcomed = RunSession();
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    if (welcomed) backoff = options_.initial_backoff;
    // Full jitter: after a controller restart every agent's stream breaks at
    // once, and thousands of agents must not dial back in lockstep.
    const std::chrono::milliseconds delay(
        std::uniform_int_distribution<int64_t>(0, backoff.count())(jitter_));
    spdlog::info("link: reconnecting to {} in {} ms", options_.controller_address, delay.count());
    wake_.wait_for(lock, delay, [this] { return stopping_; });
    if (stopping_) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

bool ControllerLink::RunSession() {
  // A fresh channel per attempt: a restarted controller is dialled at once
  // instead of after the channel's own (much longer) reconnect backoff.
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(
      options_.controller_address,
      options_.credentials ? options_.credentials : grpc::InsecureChannelCredentials());
  std::unique_ptr<v1::AgentController::Stub> stub = v1::AgentController::NewStub(channel);
  auto session = std::make_shared<Session>();
  {
    // Published before dialling so Stop() can cancel a dial that hangs.
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    current_ = session;
  }
  {
    std::lock_guard lock(session->write_mutex);
    session->stream = stub->Connect(&session->context);
  }
  {
    std::lock_guard lock(mutex_);
    need_register_ = true;
  }
  wake_.notify_all();

  v1::ControllerMessage message;
  while (session->stream->Read(&message)) HandleMessage(*session, message);

  bool welcomed;
  {
    std::lock_guard lock(mutex_);
    welcomed = welcomed_;
    welcomed_ = false;
    current_.reset();
    need_register_ = false;
  }
  // Unblock a writer stuck on flow control, then finish once no one writes.
  session->context.TryCancel();
  grpc::Status status;
  {
    std::lock_guard lock(session->write_mutex);
    session->closed = true;
    status = session->stream->Finish();
  }
  spdlog::warn("link: stream to {} closed: {} {}", options_.controller_address,
               static_cast<int>(status.error_code()), status.error_message());
  return welcomed;
}

void ControllerLink::HandleMessage(Session& session, const v1::ControllerMessage& message) {
  switch (message.kind_case()) {
    case v1::ControllerMessage::kWelcome: {
      std::lock_guard lock(mutex_);
      welcomed_ = true;
      ++welcomed_sessions_;
      host_id_ = message.welcome().host_id();
      if (message.welcome().heartbeat_interval_ms() > 0) {
        heartbeat_interval_ = std::chrono::milliseconds(message.welcome().heartbeat_interval_ms());
      }
      spdlog::info("link: welcomed by {} as host {} (heartbeat every {} ms)",
                   options_.controller_address, host_id_, heartbeat_interval_.count());
      break;
    }
    case v1::ControllerMessage::kDesired: {
      spdlog::debug("link: desired set generation {} ({} instances)",
                    message.desired().generation(), message.desired().instances_size());
      sync_.SetDesired(message.desired());
      std::lock_guard lock(mutex_);
      dirty_ = true;
      break;
    }
    case v1::ControllerMessage::kConsoleRequest: {
      // Reading the console is quick (a buffer or a log file tail), so it is
      // answered here rather than queued behind a converge.
      const v1::ConsoleRequest& request = message.console_request();
      int64_t max_bytes =
          request.max_bytes() > 0 ? request.max_bytes() : options_.default_console_bytes;
      v1::AgentMessage reply;
      v1::ConsoleReply* r = reply.mutable_console_reply();
      r->set_request_id(request.request_id());
      r->set_instance_id(request.instance_id());
      absl::StatusOr<std::string> output = driver_.ConsoleOutput(request.instance_id(), max_bytes);
      if (output.ok()) {
        r->set_output(std::move(*output));
      } else {
        r->set_error(output.status().ToString());
      }
      if (!session.Write(reply)) spdlog::warn("link: cannot send console reply");
      return;
    }
    default:
      spdlog::warn("link: ignoring unknown controller message (kind {})",
                   static_cast<int>(message.kind_case()));
      return;
  }
  wake_.notify_all();
}

v1::AgentMessage ControllerLink::MakeRegister(const ConvergeResult& result) {
  v1::AgentMessage message;
  v1::Register* r = message.mutable_register_();
  r->set_host_name(options_.host_name);
  absl::StatusOr<HostCapabilities> caps = driver_.Capabilities();
  if (!caps.ok()) {
    spdlog::error("link: cannot read host capabilities: {}", caps.status().ToString());
    caps = HostCapabilities{};
  }
  r->set_vcpus(options_.vcpus > 0 ? options_.vcpus : caps->vcpus);
  r->set_memory_mib(options_.memory_mib > 0 ? options_.memory_mib : caps->memory_mib);
  r->set_disk_gib(options_.disk_gib > 0 ? options_.disk_gib : caps->disk_gib);
  r->set_hypervisor_type(caps->hypervisor_type);
  r->set_virt_type(caps->virt_type);
  r->set_agent_version(options_.agent_version);
  r->set_availability_zone(options_.availability_zone);
  for (const v1::ObservedInstance& o : result.all) *r->add_instances() = o;
  if (options_.cached_blobs) {
    for (const std::string& sha256 : options_.cached_blobs()) r->add_cached_blobs(sha256);
  }
  return message;
}

void ControllerLink::WorkerLoop() {
  auto next_resync = SteadyClock::now();  // converge once at start
  int64_t reported_generation = -2;
  // The stream this thread has sent Register on: the only one it may send
  // reports on (a newer stream may be published before it is ready).
  std::shared_ptr<Session> registered;
  while (true) {
    bool do_register;
    bool do_converge;
    std::shared_ptr<Session> session;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_resync, [this] { return stopping_ || dirty_ || need_register_; });
      if (stopping_) return;
      do_register = need_register_;
      do_converge = dirty_ || do_register || SteadyClock::now() >= next_resync;
      need_register_ = false;
      dirty_ = false;
      session = current_;
    }
    if (!do_converge) continue;

    ConvergeResult result = sync_.Converge();
    next_resync = SteadyClock::now() +
                  (result.settling ? options_.settle_interval : options_.resync_interval);
    if (!session) continue;
    if (do_register) {
      registered = session;
      spdlog::debug("link: registering {} with {} instance(s)", options_.host_name,
                    result.all.size());
      // A failure here also ends the read loop, which logs why.
      if (!session->Write(MakeRegister(result))) spdlog::debug("link: cannot send Register");
      reported_generation = -2;
      continue;
    }
    // Register went first on this stream, so a diff is meaningful even
    // before the Welcome arrives; skipping it would lose the change until the
    // next reconnect.
    if (session != registered) continue;
    if (!result.changed.empty()) {
      v1::AgentMessage report;
      for (const v1::ObservedInstance& o : result.changed) {
        *report.mutable_report()->add_instances() = o;
      }
      if (!session->Write(report)) spdlog::warn("link: cannot send InstanceReport");
    }
    // Tell the controller at once which generation is applied, rather than
    // at the next periodic heartbeat.
    if (result.generation != reported_generation && SendHeartbeat(*session)) {
      reported_generation = result.generation;
    }
  }
}

void ControllerLink::HeartbeatLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    // A new Welcome restarts the period (and may change its length).
    int welcomed_before = welcomed_sessions_;
    bool rewelcomed = wake_.wait_for(lock, heartbeat_interval_, [&] {
      return stopping_ || welcomed_sessions_ != welcomed_before;
    });
    if (stopping_) return;
    if (rewelcomed || !welcomed_ || !current_) continue;
    std::shared_ptr<Session> session = current_;
    lock.unlock();
    SendHeartbeat(*session);
    lock.lock();
  }
}

bool ControllerLink::SendHeartbeat(Session& session) {
  v1::AgentMessage heartbeat;
  heartbeat.mutable_heartbeat()->set_applied_generation(sync_.applied_generation());
  if (options_.cached_blobs) {
    for (const std::string& sha256 : options_.cached_blobs()) {
      heartbeat.mutable_heartbeat()->add_cached_blobs(sha256);
    }
  }
  return session.Write(heartbeat);
}

}  // namespace gureum::agent
