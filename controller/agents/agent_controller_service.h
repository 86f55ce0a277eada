// AgentControllerService: the controller's side of gureum.agent.v1 — the
// Connect stream (register, heartbeats, reports, console replies) and
// FetchBlob (image bytes for the host's cache). Thread-safe.
#pragma once

#include <chrono>

#include <grpcpp/grpcpp.h>

#include "controller/agents/agent_registry.h"
#include "controller/core/agent_report_applier.h"
#include "controller/core/desired_set_builder.h"
#include "controller/core/host_directory.h"
#include "controller/images/blob_store.h"
#include "gureum/agent/v1/agent.grpc.pb.h"

namespace gureum::controller {

class AgentControllerService final : public agent::v1::AgentController::Service {
 public:
  AgentControllerService(AgentRegistry& registry, HostDirectory& hosts, AgentReportApplier& reports,
                         DesiredSetBuilder& desired, BlobStore& blobs,
                         std::chrono::milliseconds heartbeat_interval)
      : registry_(registry),
        hosts_(hosts),
        reports_(reports),
        desired_(desired),
        blobs_(blobs),
        heartbeat_interval_(heartbeat_interval) {}

  grpc::Status Connect(grpc::ServerContext* context,
                       grpc::ServerReaderWriter<agent::v1::ControllerMessage,
                                                agent::v1::AgentMessage>* stream) override;
  grpc::Status FetchBlob(grpc::ServerContext* context, const agent::v1::FetchBlobRequest* request,
                         grpc::ServerWriter<agent::v1::BlobChunk>* writer) override;

 private:
  AgentRegistry& registry_;
  HostDirectory& hosts_;
  AgentReportApplier& reports_;
  DesiredSetBuilder& desired_;
  BlobStore& blobs_;
  std::chrono::milliseconds heartbeat_interval_;
};

}  // namespace gureum::controller
