// AgentRegistry: the connected agent sessions by host id. It is the
// HostNotifier the core calls after commits, and it brokers console requests
// (controller -> agent -> controller, matched by request id). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <absl/status/statusor.h>

#include "common/id_generator.h"
#include "controller/agents/agent_session.h"
#include "controller/core/host_notifier.h"

namespace gureum::controller {

class AgentRegistry final : public HostNotifier {
 public:
  explicit AgentRegistry(IdGenerator& ids) : ids_(ids) {}

  // Adds a session, replacing (and closing) an older one for the same host.
  void Add(std::shared_ptr<AgentSession> session);
  // Removes the session if it is still the current one for its host; returns
  // whether it was.
  bool Remove(const AgentSession* session);
  bool Connected(const std::string& host_id);

  void HostChanged(const std::string& host_id) override;

  // Asks the host's agent for an instance's console tail and waits for it.
  absl::StatusOr<std::string> ConsoleOutput(const std::string& host_id,
                                            const std::string& instance_id, int64_t max_bytes,
                                            std::chrono::milliseconds timeout);
  // Called by the stream handler when a ConsoleReply arrives.
  void ConsoleReplied(const agent::v1::ConsoleReply& reply);

 private:
  IdGenerator& ids_;
  std::mutex mutex_;
  std::condition_variable console_cv_;
  std::map<std::string, std::shared_ptr<AgentSession>> sessions_;  // guarded by mutex_
  std::map<std::string, agent::v1::ConsoleReply> replies_;         // guarded by mutex_
  std::set<std::string> pending_;  // console request ids awaited; guarded by mutex_
};

}  // namespace gureum::controller
