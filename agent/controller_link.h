// ControllerLink: the agent's side of AgentController.Connect. It dials the
// controller, registers (capabilities and the full observed set), receives the
// desired set and hands it to DesiredStateSync, reports what changed, sends
// heartbeats and answers console requests; when the stream breaks it dials
// again with jittered exponential backoff and registers with the full set again
// (level-triggered: nothing depends on one message arriving).
//
// Threads: Start() runs a session thread (dial, read the stream, answer
// console requests), a worker thread (converge, Register, reports) and a
// heartbeat thread, so slow converge work (an image download) neither blocks
// the stream reader nor silences heartbeats. All stream writes are serialized
// by a per-stream mutex. Public methods are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include <grpcpp/security/credentials.h>
#include <thread>
#include <vector>

#include "agent/hypervisor/driver.h"
#include "agent/sync/desired_state_sync.h"
#include "gureum/agent/v1/agent.pb.h"

namespace gureum::agent {

struct ControllerLinkOptions {
  std::string controller_address = "127.0.0.1:7070";  // host:port
  // From AgentTransport (mTLS or loopback plaintext); null = plaintext.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  std::string host_name;
  std::string availability_zone = "zone-a";
  std::string agent_version;
  // Override what the driver reports in Register; 0 keeps the driver's value.
  int vcpus = 0;
  int64_t memory_mib = 0;
  int64_t disk_gib = 0;
  // Converge this often even without news, to notice guests that changed by
  // themselves.
  std::chrono::milliseconds resync_interval{2000};
  // ... and this often while something is mid-transition (stopping).
  std::chrono::milliseconds settle_interval{250};
  // Used until the controller's Welcome names its own interval.
  std::chrono::milliseconds heartbeat_interval{5000};
  // Reconnects wait a random time up to the backoff (full jitter), which
  // starts here, doubles after each failed attempt and is capped.
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{5000};
  // Console bytes sent when a ConsoleRequest asks for 0.
  int64_t default_console_bytes = 65536;
  // The sha256s in the host's image cache, sent with Register and every
  // Heartbeat (the scheduler prefers hosts holding an instance's image).
  // Empty when the driver keeps no cache.
  std::function<std::vector<std::string>()> cached_blobs;
};

class ControllerLink {
 public:
  // `driver` and `sync` must outlive the link.
  ControllerLink(ControllerLinkOptions options, HypervisorDriver& driver, DesiredStateSync& sync);
  ~ControllerLink();  // Stop()s

  ControllerLink(const ControllerLink&) = delete;
  ControllerLink& operator=(const ControllerLink&) = delete;

  // Starts the threads; returns at once. Call once.
  void Start();
  // Closes the stream and joins the threads. Idempotent.
  void Stop();

  // Makes the worker converge (and report) soon instead of at the next
  // resync: for hypervisor events such as a guest that powered itself off.
  // Cheap and non-blocking; safe from any thread, also a libvirt callback.
  void Nudge();

  // True while a stream is open and the controller has welcomed us.
  bool connected() const;
  // The host id from the last Welcome ("" before the first).
  std::string host_id() const;
  // How many streams have been welcomed so far (reconnects = this - 1).
  int welcomed_sessions() const;

 private:
  struct Session;

  void SessionLoop();
  // One stream from dial to break; true if it was welcomed.
  bool RunSession();
  void HandleMessage(Session& session, const v1::ControllerMessage& message);
  void WorkerLoop();
  void HeartbeatLoop();
  bool SendHeartbeat(Session& session);
  v1::AgentMessage MakeRegister(const ConvergeResult& result);

  const ControllerLinkOptions options_;
  HypervisorDriver& driver_;
  DesiredStateSync& sync_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::mt19937_64 jitter_{std::random_device{}()};  // guarded by mutex_
  bool started_ = false;                            // guarded by mutex_
  bool stopping_ = false;                           // guarded by mutex_
  std::shared_ptr<Session> current_;                // guarded by mutex_
  bool need_register_ = false;                      // guarded by mutex_
  bool welcomed_ = false;                           // guarded by mutex_
  bool dirty_ = false;                              // guarded by mutex_
  std::string host_id_;                             // guarded by mutex_
  int welcomed_sessions_ = 0;                       // guarded by mutex_
  std::chrono::milliseconds heartbeat_interval_;    // guarded by mutex_

  std::thread session_thread_;
  std::thread worker_thread_;
  std::thread heartbeat_thread_;
};

}  // namespace gureum::agent
