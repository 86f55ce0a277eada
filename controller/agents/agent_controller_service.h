// AgentControllerService: the controller's side of gureum.agent.v1 — the
// Connect stream (register, heartbeats, reports, console replies), FetchBlob
// (image bytes for the host's cache) and Join (a new host's certificate).
//
// Node restriction, as Kubernetes' NodeRestriction admission: a stream speaks
// for one host (the verified certificate's common name over mTLS, else the
// registered name), and may only report on and read the instances placed on
// that host. A message about another host's instance ends the stream with
// PERMISSION_DENIED before any of it is applied. Thread-safe.
#pragma once

#include <chrono>

#include <grpcpp/grpcpp.h>

#include "controller/agents/agent_registry.h"
#include "controller/agents/agent_stream.h"
#include "controller/agents/task_pool.h"
#include "controller/core/agent_report_applier.h"
#include "controller/core/desired_set_builder.h"
#include "controller/core/host_directory.h"
#include "controller/images/blob_store.h"
#include "controller/security/join_token_service.h"
#include "controller/store/store.h"
#include "gureum/agent/v1/agent.grpc.pb.h"

namespace gureum::controller {

// Connect runs on gRPC's callback API (AgentStream); FetchBlob and Join are
// synchronous.
class AgentControllerService final : public agent::v1::AgentController::WithCallbackMethod_Connect<
                                         agent::v1::AgentController::Service> {
 public:
  AgentControllerService(AgentRegistry& registry, HostDirectory& hosts, AgentReportApplier& reports,
                         DesiredSetBuilder& desired, BlobStore& blobs, Store& store,
                         JoinTokenService& joins, std::chrono::milliseconds heartbeat_interval,
                         bool require_client_certificate)
      : registry_(registry),
        hosts_(hosts),
        reports_(reports),
        desired_(desired),
        blobs_(blobs),
        store_(store),
        joins_(joins),
        heartbeat_interval_(heartbeat_interval),
        require_client_certificate_(require_client_certificate),
        pool_(kStreamWorkers) {}

  grpc::ServerBidiReactor<agent::v1::AgentMessage, agent::v1::ControllerMessage>* Connect(
      grpc::CallbackServerContext* context) override;
  grpc::Status FetchBlob(grpc::ServerContext* context, const agent::v1::FetchBlobRequest* request,
                         grpc::ServerWriter<agent::v1::BlobChunk>* writer) override;
  grpc::Status Join(grpc::ServerContext* context, const agent::v1::JoinRequest* request,
                    agent::v1::JoinResponse* response) override;

 private:
  AgentRegistry& registry_;
  HostDirectory& hosts_;
  AgentReportApplier& reports_;
  DesiredSetBuilder& desired_;
  BlobStore& blobs_;
  Store& store_;
  JoinTokenService& joins_;
  std::chrono::milliseconds heartbeat_interval_;
  bool require_client_certificate_;
  // Threads handling every stream's messages and desired-set builds. Most of
  // that time is spent waiting for a group commit, so more workers than cores
  // let more writes share one commit. Declared last: destroyed first, running
  // the tasks still posted while everything they use is alive.
  static constexpr int kStreamWorkers = 8;
  TaskPool pool_;
};

}  // namespace gureum::controller
