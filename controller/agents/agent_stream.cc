#include "controller/agents/agent_stream.h"

#include <spdlog/spdlog.h>

#include "common/api_error.h"

namespace gureum::controller {

AgentStream::AgentStream(const AgentStreamDeps& deps,
                         absl::StatusOr<std::optional<std::string>> identity, std::string peer)
    : deps_(deps), identity_(identity.ok() ? *identity : std::nullopt), peer_(std::move(peer)) {
  std::lock_guard lock(mutex_);
  if (!identity.ok()) {
    spdlog::warn("agent stream from {} refused: {}", peer_,
                 std::string(identity.status().message()));
    EndLocked(ToGrpcStatus(identity.status()));
    return;
  }
  StartRead(&in_);
}

template <typename Fn>
void AgentStream::Post(Fn&& fn) {
  ++refs_;  // mutex_ is held by every caller
  deps_.pool.Post([this, fn = std::forward<Fn>(fn)] {
    fn();
    Release();
  });
}

void AgentStream::OnReadDone(bool ok) {
  std::lock_guard lock(mutex_);
  if (!ok) {
    EndLocked(grpc::Status::OK);  // the agent closed its side, or the stream broke
    return;
  }
  Post([this] { Handle(); });
}

void AgentStream::Handle() {
  const agent::v1::AgentMessage message = std::move(in_);  // no read is in flight
  const absl::Status status = host_id_.empty() ? Register(message) : Apply(message);
  std::lock_guard lock(mutex_);
  if (!status.ok()) {
    EndLocked(ToGrpcStatus(status));
  } else if (!finished_) {
    StartRead(&in_);
  }
}

absl::Status AgentStream::Register(const agent::v1::AgentMessage& first) {
  if (!first.has_register_() || first.register_().host_name().empty()) {
    return InvalidParameter("Register", "the first message must be a Register with a host name");
  }
  const agent::v1::Register& reg = first.register_();
  if (identity_ && *identity_ != reg.host_name()) {
    spdlog::warn("agent with the certificate of {} tried to register as {} from {}", *identity_,
                 reg.host_name(), peer_);
    return absl::PermissionDeniedError("this client certificate is for host " + *identity_ +
                                       ", not " + reg.host_name());
  }
  auto host = deps_.hosts.Register(reg);
  if (!host.ok()) return host.status();
  host_id_ = host->host_id;
  host_name_ = reg.host_name();
  spdlog::info("agent for host {} ({}) connected from {}{}", host_name_, host_id_, peer_,
               identity_ ? " (certificate verified)" : "");
  if (auto s = deps_.reports.Apply(host_id_, host_name_, reg.instances()); !s.ok()) {
    spdlog::warn("initial report from {} not applied: {}", host_name_, s.ToString());
    if (absl::IsPermissionDenied(s)) return s;
  }
  auto session = std::make_shared<AgentSession>(host_id_, host_name_, this);
  {
    std::lock_guard lock(mutex_);
    // Kept even if the stream ended meanwhile: the clean-up then unregisters
    // it and marks the host unreachable, as for any stream that ends.
    session_ = session;
    agent::v1::ControllerMessage welcome;
    welcome.mutable_welcome()->set_host_id(host_id_);
    welcome.mutable_welcome()->set_heartbeat_interval_ms(
        static_cast<int32_t>(deps_.heartbeat_interval.count()));
    SendLocked(std::move(welcome), false);
  }
  // Registered first, then the whole desired set is built: a commit after
  // Add is announced to this session, one before it is in this first build.
  // (Building before Add lost the launches committed in between.)
  deps_.registry.Add(session);
  PushDesired();
  return absl::OkStatus();
}

absl::Status AgentStream::Apply(const agent::v1::AgentMessage& message) {
  switch (message.kind_case()) {
    case agent::v1::AgentMessage::kHeartbeat:
      if (auto s = deps_.hosts.Heartbeat(host_id_, message.heartbeat()); !s.ok()) {
        spdlog::warn("heartbeat of {}: {}", host_name_, s.ToString());
      }
      return absl::OkStatus();
    case agent::v1::AgentMessage::kReport:
      if (auto s = deps_.reports.Apply(host_id_, host_name_, message.report().instances());
          !s.ok()) {
        spdlog::warn("report from {} not applied: {}", host_name_, s.ToString());
        if (absl::IsPermissionDenied(s)) return s;
      }
      return absl::OkStatus();
    case agent::v1::AgentMessage::kConsoleReply:
      if (auto s = CheckConsoleReply(message.console_reply()); !s.ok()) return s;
      deps_.registry.ConsoleReplied(message.console_reply());
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

absl::Status AgentStream::CheckConsoleReply(const agent::v1::ConsoleReply& reply) {
  auto placed_on = deps_.store.Read([&](Repositories& repos) -> absl::StatusOr<std::string> {
    auto record = repos.instances.Get(reply.instance_id());
    return record ? record->host_id : std::string();
  });
  if (!placed_on.ok()) return placed_on.status();
  if (*placed_on != host_id_) {
    spdlog::warn("host {} sent console output of {}, which is not placed there", host_name_,
                 reply.instance_id());
    return absl::PermissionDeniedError("instance " + reply.instance_id() +
                                       " is not placed on host " + host_name_);
  }
  return absl::OkStatus();
}

void AgentStream::BuildDesired() {
  auto set = deps_.desired.Build(host_id_);
  std::lock_guard lock(mutex_);
  building_ = false;
  if (!set.ok()) {
    // Skipped: the next change or reconnect brings the set.
    spdlog::error("desired set for {}: {}", host_id_, set.status().ToString());
  } else {
    agent::v1::ControllerMessage message;
    *message.mutable_desired() = std::move(*set);
    message.mutable_desired()->set_generation(++generation_);
    SendLocked(std::move(message), true);
  }
  MaybeBuildLocked();
}

void AgentStream::PushDesired() {
  std::lock_guard lock(mutex_);
  dirty_ = true;
  MaybeBuildLocked();
}

void AgentStream::PushConsole(const agent::v1::ConsoleRequest& request) {
  std::lock_guard lock(mutex_);
  agent::v1::ControllerMessage message;
  *message.mutable_console_request() = request;
  SendLocked(std::move(message), false);
}

void AgentStream::Close() {
  std::lock_guard lock(mutex_);
  EndLocked(grpc::Status(grpc::StatusCode::ABORTED,
                         "a newer stream of host " + host_name_ + " replaced this one"));
}

void AgentStream::OnWriteDone(bool ok) {
  std::lock_guard lock(mutex_);
  writing_ = false;
  if (out_is_desired_.front()) desired_queued_ = false;
  out_.pop_front();
  out_is_desired_.pop_front();
  if (finish_after_write_) {
    Finish(*finish_after_write_);
    finish_after_write_.reset();
    return;
  }
  if (!ok) {
    EndLocked(grpc::Status::OK);  // the stream broke: the read side ends it too
    return;
  }
  PumpLocked();
  MaybeBuildLocked();
}

void AgentStream::OnCancel() {
  std::lock_guard lock(mutex_);
  EndLocked(grpc::Status::CANCELLED);
}

void AgentStream::OnDone() { Release(); }

void AgentStream::EndLocked(const grpc::Status& status) {
  if (finished_) return;
  finished_ = true;
  if (writing_) {
    finish_after_write_ = status;  // one operation at a time: Finish after the write
  } else {
    Finish(status);
  }
}

void AgentStream::SendLocked(agent::v1::ControllerMessage message, bool desired) {
  if (finished_) return;
  out_.push_back(std::move(message));
  out_is_desired_.push_back(desired);
  if (desired) desired_queued_ = true;
  PumpLocked();
}

void AgentStream::PumpLocked() {
  if (writing_ || finished_ || out_.empty()) return;
  writing_ = true;
  StartWrite(&out_.front());  // deque: the element stays put while others are added
}

void AgentStream::MaybeBuildLocked() {
  if (!dirty_ || building_ || desired_queued_ || finished_ || session_ == nullptr) return;
  dirty_ = false;
  building_ = true;
  Post([this] { BuildDesired(); });
}

void AgentStream::Release() {
  {
    std::lock_guard lock(mutex_);
    if (--refs_ > 0) return;
  }
  // Finished, and no task of this stream is left on the pool.
  deps_.pool.Post([this] {
    std::shared_ptr<AgentSession> session;
    {
      std::lock_guard lock(mutex_);
      session = session_;
    }
    if (session) {
      session->Unlink();
      if (deps_.registry.Remove(session.get())) {
        spdlog::info("agent for host {} disconnected", host_name_);
        if (auto s = deps_.hosts.MarkUnreachable(host_id_, "agent disconnected"); !s.ok()) {
          spdlog::warn("marking {} unreachable: {}", host_name_, s.ToString());
        }
      }
    }
    delete this;
  });
}

}  // namespace gureum::controller
