#include "controller/agents/agent_controller_service.h"

#include <fstream>

#include <spdlog/spdlog.h>

#include "common/api_error.h"
#include "controller/security/agent_identity.h"

namespace gureum::controller {
namespace {

bool IsHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

grpc::ServerBidiReactor<agent::v1::AgentMessage, agent::v1::ControllerMessage>*
AgentControllerService::Connect(grpc::CallbackServerContext* context) {
  AgentStreamDeps deps{registry_, hosts_, reports_, desired_, store_, pool_, heartbeat_interval_};
  return new AgentStream(deps, AgentIdentity::Of(*context, require_client_certificate_),
                         context->peer());
}

grpc::Status AgentControllerService::FetchBlob(grpc::ServerContext* context,
                                               const agent::v1::FetchBlobRequest* request,
                                               grpc::ServerWriter<agent::v1::BlobChunk>* writer) {
  auto identity = AgentIdentity::Of(*context, require_client_certificate_);
  if (!identity.ok()) return ToGrpcStatus(identity.status());
  if (!IsHex64(request->sha256())) {
    return ToGrpcStatus(InvalidParameter("Sha256", "sha256 must be 64 lowercase hex digits"));
  }
  const std::string host_name = *identity ? **identity : request->host_name();
  auto allowed = store_.Read([&](Repositories& repos) -> absl::StatusOr<bool> {
    auto host = repos.hosts.GetByName(host_name);
    return host && repos.instances.HostUsesBlob(host->host_id, request->sha256());
  });
  if (!allowed.ok()) return ToGrpcStatus(allowed.status());
  if (!*allowed) {
    spdlog::warn("host '{}' asked for blob {}, which no instance placed on it uses", host_name,
                 request->sha256());
    return ToGrpcStatus(absl::PermissionDeniedError(
        "blob " + request->sha256() + " is not used by any instance placed on host '" + host_name +
        "'"));
  }
  const std::string path = blobs_.PathOf(request->sha256());
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    return ToGrpcStatus(absl::NotFoundError("no blob " + request->sha256()));
  }
  const int64_t total = in.tellg();
  if (request->offset() < 0 || request->offset() > total) {
    return ToGrpcStatus(InvalidParameter("Offset", "offset is outside the blob"));
  }
  in.seekg(request->offset());
  std::string buffer(1 << 20, '\0');
  agent::v1::BlobChunk chunk;
  while (in && !context->IsCancelled()) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    chunk.set_data(buffer.data(), static_cast<size_t>(n));
    chunk.set_total_size(total);
    if (!writer->Write(chunk)) break;
  }
  return grpc::Status::OK;
}

grpc::Status AgentControllerService::Join(grpc::ServerContext*,
                                          const agent::v1::JoinRequest* request,
                                          agent::v1::JoinResponse* response) {
  auto joined = joins_.Join(*request);
  if (!joined.ok()) return ToGrpcStatus(joined.status());
  *response = std::move(*joined);
  spdlog::info("host {} joined: client certificate issued", request->host_name());
  return grpc::Status::OK;
}

}  // namespace gureum::controller
