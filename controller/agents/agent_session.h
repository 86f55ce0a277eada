// AgentSession: one connected agent as the registry and the core see it: the
// host it speaks for, and a handle to ask its stream to push the desired set,
// to carry a console request, or to close. The stream (AgentStream) links
// itself in when the agent has registered and unlinks itself before it goes
// away; a session whose stream is gone ignores every call. Thread-safe.
#pragma once

#include <mutex>
#include <string>

#include "gureum/agent/v1/agent.pb.h"

namespace gureum::controller {

class AgentSession {
 public:
  // What a session needs from the stream carrying it.
  class Link {
   public:
    virtual ~Link() = default;
    virtual void PushDesired() = 0;
    virtual void PushConsole(const agent::v1::ConsoleRequest& request) = 0;
    virtual void Close() = 0;
  };

  AgentSession(std::string host_id, std::string host_name, Link* link)
      : host_id_(std::move(host_id)), host_name_(std::move(host_name)), link_(link) {}

  const std::string& host_id() const { return host_id_; }
  const std::string& host_name() const { return host_name_; }

  // Asks the stream to push the host's whole desired set again (coalesced).
  void MarkDirty();
  void RequestConsole(const agent::v1::ConsoleRequest& request);
  // Ends the stream (a newer session of the same host replaced this one).
  void Close();
  // Called by the stream before it is destroyed.
  void Unlink();

 private:
  const std::string host_id_;
  const std::string host_name_;
  std::mutex mutex_;
  Link* link_;  // guarded by mutex_; null once the stream is gone
};

}  // namespace gureum::controller
