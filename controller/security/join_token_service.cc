#include "controller/security/join_token_service.h"

#include <google/protobuf/util/time_util.h>
#include <spdlog/spdlog.h>

#include "common/api_error.h"
#include "common/secret.h"

namespace gureum::controller {
namespace {

constexpr char kPrefix[] = "gjt-";
constexpr size_t kSecretLength = 40;

// Every refusal of a token looks the same to the caller, so it cannot learn
// which part was wrong; the log says which.
absl::Status Refused(const std::string& why, const std::string& host_name) {
  spdlog::warn("join as {} refused: {}", host_name, why);
  return absl::UnauthenticatedError("the join token is not valid for this host");
}

}  // namespace

absl::StatusOr<v1::CreateJoinTokenResponse> JoinTokenService::Create(
    const RequestContext& ctx, const v1::CreateJoinTokenRequest& request) {
  if (!ctx.admin) {
    return UnauthorizedOperation("", "Only an admin may create join tokens");
  }
  const std::string& host = request.host_name();
  if (host.empty() || host.size() > 253 ||
      host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._") !=
          std::string::npos) {
    return InvalidParameter("HostName", "HostName must be 1 to 253 letters, digits, '-', '.', '_'");
  }
  int64_t ttl = request.ttl_seconds() == 0 ? kDefaultJoinTokenTtlSeconds : request.ttl_seconds();
  if (ttl < 1 || ttl > kMaxJoinTokenTtlSeconds) {
    return InvalidParameter("TtlSeconds", "TtlSeconds must be between 1 and " +
                                              std::to_string(kMaxJoinTokenTtlSeconds));
  }
  const int64_t now = core_.clock.NowMillis();
  JoinTokenRecord record;
  record.token_id = core_.ids.Hex(16);
  record.host_name = host;
  record.created_by = ctx.actor;
  record.created_at = now;
  record.expires_at = now + ttl * 1000;
  const std::string secret = RandomToken(kSecretLength);
  SecretDigest digest = HashSecret(secret);
  record.salt = digest.salt;
  record.hash = digest.hash;
  auto stored = Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::Status {
    repos.join_tokens.Insert(record);
    RecordEvent(repos, changes, ctx, now, "host", host, "join-token.created",
                "join token " + record.token_id + " for host " + host + " created, expires in " +
                    std::to_string(ttl) + " s");
    return absl::OkStatus();
  });
  if (!stored.ok()) return stored;
  v1::CreateJoinTokenResponse response;
  response.set_token_id(record.token_id);
  response.set_host_name(host);
  response.set_token(kPrefix + record.token_id + "." + secret);
  *response.mutable_expires_at() =
      google::protobuf::util::TimeUtil::MillisecondsToTimestamp(record.expires_at);
  return response;
}

absl::StatusOr<agent::v1::JoinResponse> JoinTokenService::Join(
    const agent::v1::JoinRequest& request) {
  if (authority_ == nullptr) {
    return absl::FailedPreconditionError(
        "this controller cannot issue agent certificates: it was started without "
        "--agent-ca-key");
  }
  const std::string& host = request.host_name();
  const std::string& token = request.token();
  size_t dot = token.find('.');
  if (token.rfind(kPrefix, 0) != 0 || dot == std::string::npos) {
    return Refused("malformed token", host);
  }
  const std::string token_id = token.substr(sizeof(kPrefix) - 1, dot - (sizeof(kPrefix) - 1));
  const std::string secret = token.substr(dot + 1);
  const int64_t now = core_.clock.NowMillis();
  RequestContext ctx;
  ctx.request_id = "join-" + core_.ids.Hex(12);
  ctx.actor = "agent:" + host;
  return Commit(
      core_,
      [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<agent::v1::JoinResponse> {
        auto record = repos.join_tokens.Get(token_id);
        if (!record) return Refused("unknown token id " + token_id, host);
        if (!VerifySecret(secret, SecretDigest{record->salt, record->hash})) {
          return Refused("wrong secret for token " + token_id, host);
        }
        if (record->host_name != host) {
          return Refused("token " + token_id + " is for host " + record->host_name, host);
        }
        if (record->used_at != 0) return Refused("token " + token_id + " was used already", host);
        if (record->expires_at <= now) return Refused("token " + token_id + " expired", host);
        auto certificate =
            authority_->Sign(request.csr_pem(), host,
                             std::chrono::system_clock::time_point(std::chrono::milliseconds(now)));
        if (!certificate.ok()) {
          return InvalidParameter("CsrPem", std::string(certificate.status().message()));
        }
        if (!repos.join_tokens.MarkUsed(token_id, now)) {
          return Refused("token " + token_id + " was used already", host);
        }
        RecordEvent(repos, changes, ctx, now, "host", host, "host.joined",
                    "host " + host + " joined with token " + token_id + " and got its certificate");
        agent::v1::JoinResponse response;
        response.set_certificate_pem(*certificate);
        response.set_ca_certificate_pem(authority_->ca_certificate_pem());
        return response;
      });
}

}  // namespace gureum::controller
