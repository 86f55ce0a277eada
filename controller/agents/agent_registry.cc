#include "controller/agents/agent_registry.h"

#include "common/api_error.h"

namespace gureum::controller {

void AgentRegistry::Add(std::shared_ptr<AgentSession> session) {
  std::shared_ptr<AgentSession> old;
  {
    std::lock_guard lock(mutex_);
    auto& slot = sessions_[session->host_id()];
    old = std::move(slot);
    slot = std::move(session);
  }
  if (old) old->Close();
}

bool AgentRegistry::Remove(const AgentSession* session) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(session->host_id());
  if (it == sessions_.end() || it->second.get() != session) return false;
  sessions_.erase(it);
  return true;
}

bool AgentRegistry::Connected(const std::string& host_id) {
  std::lock_guard lock(mutex_);
  return sessions_.count(host_id) > 0;
}

void AgentRegistry::HostChanged(const std::string& host_id) {
  std::shared_ptr<AgentSession> session;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(host_id);
    if (it == sessions_.end()) return;  // it gets everything when it reconnects
    session = it->second;
  }
  session->MarkDirty();
}

absl::StatusOr<std::string> AgentRegistry::ConsoleOutput(const std::string& host_id,
                                                         const std::string& instance_id,
                                                         int64_t max_bytes,
                                                         std::chrono::milliseconds timeout) {
  std::shared_ptr<AgentSession> session;
  agent::v1::ConsoleRequest request;
  request.set_request_id(ids_.Hex(16));
  request.set_instance_id(instance_id);
  request.set_max_bytes(max_bytes);
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(host_id);
    if (it == sessions_.end()) {
      return ApiError(absl::StatusCode::kUnavailable, errc::kUnavailable, "InstanceId",
                      "The host of instance '" + instance_id +
                          "' is not connected; console output is unavailable");
    }
    session = it->second;
    pending_.insert(request.request_id());
  }
  session->RequestConsole(request);
  std::unique_lock lock(mutex_);
  bool arrived =
      console_cv_.wait_for(lock, timeout, [&] { return replies_.count(request.request_id()) > 0; });
  pending_.erase(request.request_id());
  if (!arrived) {
    return ApiError(absl::StatusCode::kUnavailable, errc::kUnavailable, "InstanceId",
                    "The host of instance '" + instance_id + "' did not answer in time");
  }
  agent::v1::ConsoleReply reply = std::move(replies_[request.request_id()]);
  replies_.erase(request.request_id());
  if (!reply.error().empty()) {
    return ApiError(absl::StatusCode::kUnavailable, errc::kUnavailable, "InstanceId",
                    "Console output of '" + instance_id + "' is unavailable: " + reply.error());
  }
  return reply.output();
}

void AgentRegistry::ConsoleReplied(const agent::v1::ConsoleReply& reply) {
  {
    std::lock_guard lock(mutex_);
    if (pending_.count(reply.request_id()) == 0) return;  // its caller gave up
    replies_[reply.request_id()] = reply;
  }
  console_cv_.notify_all();
}

}  // namespace gureum::controller
