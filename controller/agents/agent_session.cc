#include "controller/agents/agent_session.h"

namespace gureum::controller {

void AgentSession::MarkDirty() {
  std::lock_guard lock(mutex_);
  if (link_ != nullptr) link_->PushDesired();
}

void AgentSession::RequestConsole(const agent::v1::ConsoleRequest& request) {
  std::lock_guard lock(mutex_);
  if (link_ != nullptr) link_->PushConsole(request);
}

void AgentSession::Close() {
  std::lock_guard lock(mutex_);
  if (link_ != nullptr) link_->Close();
}

void AgentSession::Unlink() {
  std::lock_guard lock(mutex_);
  link_ = nullptr;
}

}  // namespace gureum::controller
