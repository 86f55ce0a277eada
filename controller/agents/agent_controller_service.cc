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

grpc::Status AgentControllerService::Connect(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<agent::v1::ControllerMessage, agent::v1::AgentMessage>* stream) {
  auto identity = AgentIdentity::Of(*context, require_client_certificate_);
  if (!identity.ok()) {
    spdlog::warn("agent stream from {} refused: {}", context->peer(),
                 std::string(identity.status().message()));
    return ToGrpcStatus(identity.status());
  }
  agent::v1::AgentMessage first;
  if (!stream->Read(&first)) return grpc::Status::OK;
  if (!first.has_register_() || first.register_().host_name().empty()) {
    return ToGrpcStatus(InvalidParameter("Register",
                                         "the first message must be a Register "
                                         "with a host name"));
  }
  const agent::v1::Register& reg = first.register_();
  if (*identity && **identity != reg.host_name()) {
    spdlog::warn("agent with the certificate of {} tried to register as {} from {}", **identity,
                 reg.host_name(), context->peer());
    return ToGrpcStatus(absl::PermissionDeniedError("this client certificate is for host " +
                                                    **identity + ", not " + reg.host_name()));
  }
  auto host = hosts_.Register(reg);
  if (!host.ok()) return ToGrpcStatus(host.status());
  const std::string host_id = host->host_id;
  spdlog::info("agent for host {} ({}) connected from {}{}", reg.host_name(), host_id,
               context->peer(), *identity ? " (certificate verified)" : "");
  if (auto s = reports_.Apply(host_id, reg.host_name(), reg.instances()); !s.ok()) {
    spdlog::warn("initial report from {} not applied: {}", reg.host_name(), s.ToString());
    if (absl::IsPermissionDenied(s)) return ToGrpcStatus(s);
  }

  auto session = std::make_shared<AgentSession>(
      host_id, reg.host_name(), stream, [this, host_id](agent::v1::DesiredSet* out) {
        auto set = desired_.Build(host_id);
        if (!set.ok()) {
          spdlog::error("desired set for {}: {}", host_id, set.status().ToString());
          return false;
        }
        *out = std::move(*set);
        return true;
      });
  agent::v1::ControllerMessage welcome;
  welcome.mutable_welcome()->set_host_id(host_id);
  welcome.mutable_welcome()->set_heartbeat_interval_ms(
      static_cast<int32_t>(heartbeat_interval_.count()));
  session->Send(welcome);
  registry_.Add(session);
  session->MarkDirty();  // the whole desired set, on every connect

  agent::v1::AgentMessage message;
  grpc::Status ended = grpc::Status::OK;
  while (ended.ok() && stream->Read(&message)) {
    switch (message.kind_case()) {
      case agent::v1::AgentMessage::kHeartbeat:
        if (auto s = hosts_.Heartbeat(host_id, message.heartbeat()); !s.ok()) {
          spdlog::warn("heartbeat of {}: {}", reg.host_name(), s.ToString());
        }
        break;
      case agent::v1::AgentMessage::kReport:
        if (auto s = reports_.Apply(host_id, reg.host_name(), message.report().instances());
            !s.ok()) {
          spdlog::warn("report from {} not applied: {}", reg.host_name(), s.ToString());
          if (absl::IsPermissionDenied(s)) ended = ToGrpcStatus(s);
        }
        break;
      case agent::v1::AgentMessage::kConsoleReply:
        if (auto s = CheckConsoleReply(host_id, reg.host_name(), message.console_reply());
            !s.ok()) {
          ended = ToGrpcStatus(s);
        } else {
          registry_.ConsoleReplied(message.console_reply());
        }
        break;
      default:
        break;
    }
  }
  session->Close();
  if (registry_.Remove(session.get())) {
    spdlog::info("agent for host {} disconnected", reg.host_name());
    if (auto s = hosts_.MarkUnreachable(host_id, "agent disconnected"); !s.ok()) {
      spdlog::warn("marking {} unreachable: {}", reg.host_name(), s.ToString());
    }
  }
  return ended;
}

absl::Status AgentControllerService::CheckConsoleReply(const std::string& host_id,
                                                       const std::string& host_name,
                                                       const agent::v1::ConsoleReply& reply) {
  auto placed_on = store_.Read([&](Repositories& repos) -> absl::StatusOr<std::string> {
    auto record = repos.instances.Get(reply.instance_id());
    return record ? record->host_id : std::string();
  });
  if (!placed_on.ok()) return placed_on.status();
  if (*placed_on != host_id) {
    spdlog::warn("host {} sent console output of {}, which is not placed there", host_name,
                 reply.instance_id());
    return absl::PermissionDeniedError("instance " + reply.instance_id() +
                                       " is not placed on host " + host_name);
  }
  return absl::OkStatus();
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
