#include "controller/agents/agent_session.h"

namespace gureum::controller {

AgentSession::AgentSession(std::string host_id, std::string host_name, Stream* stream,
                           DesiredSetSource source)
    : host_id_(std::move(host_id)),
      host_name_(std::move(host_name)),
      stream_(stream),
      source_(std::move(source)),
      writer_([this] { WriterLoop(); }) {}

AgentSession::~AgentSession() { Close(); }

bool AgentSession::Send(const agent::v1::ControllerMessage& message) {
  std::lock_guard lock(write_mutex_);
  return stream_->Write(message);
}

void AgentSession::MarkDirty() {
  {
    std::lock_guard lock(mutex_);
    dirty_ = true;
  }
  cv_.notify_one();
}

void AgentSession::RequestConsole(const agent::v1::ConsoleRequest& request) {
  {
    std::lock_guard lock(mutex_);
    console_.push_back(request);
  }
  cv_.notify_one();
}

void AgentSession::Close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  cv_.notify_one();
  std::lock_guard join_lock(join_mutex_);
  if (writer_.joinable() && writer_.get_id() != std::this_thread::get_id()) writer_.join();
}

void AgentSession::WriterLoop() {
  for (;;) {
    bool push = false;
    std::deque<agent::v1::ConsoleRequest> console;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return closed_ || dirty_ || !console_.empty(); });
      if (closed_) return;
      push = dirty_;
      dirty_ = false;
      console.swap(console_);
    }
    if (push) {
      agent::v1::ControllerMessage message;
      if (source_(message.mutable_desired())) {
        message.mutable_desired()->set_generation(++generation_);
        if (!Send(message)) return;  // stream broken: the handler thread ends the session
      }
    }
    for (const auto& request : console) {
      agent::v1::ControllerMessage message;
      *message.mutable_console_request() = request;
      if (!Send(message)) return;
    }
  }
}

}  // namespace gureum::controller
