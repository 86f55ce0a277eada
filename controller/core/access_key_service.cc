#include "controller/core/access_key_service.h"

#include <absl/strings/ascii.h>

#include "common/api_error.h"
#include "common/secret.h"
#include "controller/core/instance_view.h"

namespace gureum::controller {
namespace {

constexpr int64_t kMaxLifetimeSeconds = int64_t{10} * 365 * 24 * 3600;

absl::Status NoSuchUser(const std::string& user_name) {
  return NotFoundError(errc::kNoSuchEntity, "UserName",
                       "The user '" + user_name + "' does not exist");
}

// Unknown keys and keys of other users look the same to non-admins.
absl::StatusOr<AccessKeyRecord> LoadOwnKey(Repositories& repos, const RequestContext& ctx,
                                           const std::string& access_key_id) {
  auto key = repos.access_keys.Get(access_key_id);
  if (!key || (!ctx.admin && key->user_name != ctx.actor)) {
    return NotFoundError(errc::kNoSuchEntity, "AccessKeyId",
                         "The access key '" + access_key_id + "' does not exist");
  }
  return *key;
}

// The user a key call is about: the caller, or (admins only) someone else.
absl::StatusOr<std::string> TargetUser(Repositories& repos, const RequestContext& ctx,
                                       const std::string& requested) {
  const std::string user = requested.empty() ? ctx.actor : requested;
  if (user != ctx.actor && !ctx.admin) {
    return ApiError(absl::StatusCode::kPermissionDenied, errc::kUnauthorizedOperation, "UserName",
                    "Only an admin may manage the access keys of another user ('" + user + "')");
  }
  if (!repos.identity.GetUser(user)) return NoSuchUser(user);
  return user;
}

}  // namespace

IssuedAccessKey IssueAccessKey(Repositories& repos, IdGenerator& ids, const std::string& user_name,
                               int64_t now, int64_t expires_at) {
  IssuedAccessKey issued;
  issued.secret = RandomToken(40);
  SecretDigest digest = HashSecret(issued.secret);
  AccessKeyRecord& r = issued.record;
  r.access_key_id = "GK" + absl::AsciiStrToUpper(ids.Hex(18));
  r.user_name = user_name;
  r.salt = digest.salt;
  r.secret_hash = digest.hash;
  r.status = "active";
  r.created_at = now;
  r.expires_at = expires_at;
  repos.access_keys.Insert(r);
  return issued;
}

v1::AccessKey ToApiAccessKey(const AccessKeyRecord& record, int64_t now) {
  v1::AccessKey out;
  out.set_access_key_id(record.access_key_id);
  out.set_user_name(record.user_name);
  const bool expired = record.expires_at > 0 && record.expires_at <= now;
  out.set_status(expired ? "expired" : record.status);
  SetTimestamp(out.mutable_create_time(), record.created_at);
  if (record.expires_at > 0) SetTimestamp(out.mutable_expire_time(), record.expires_at);
  return out;
}

absl::StatusOr<v1::AccessKey> AccessKeyService::Create(const RequestContext& ctx,
                                                       const v1::CreateAccessKeyRequest& request) {
  if (request.expires_in_seconds() < 0 || request.expires_in_seconds() > kMaxLifetimeSeconds) {
    return InvalidParameter("ExpiresInSeconds",
                            "ExpiresInSeconds must be between 0 (never) and 315360000 (10 years)");
  }
  const int64_t now = core_.clock.NowMillis();
  return Commit(
      core_, [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<v1::AccessKey> {
        auto user = TargetUser(repos, ctx, request.user_name());
        if (!user.ok()) return user.status();
        const int64_t expires =
            request.expires_in_seconds() > 0 ? now + request.expires_in_seconds() * 1000 : 0;
        IssuedAccessKey issued = IssueAccessKey(repos, core_.ids, *user, now, expires);
        RecordEvent(repos, changes, ctx, now, "access-key", issued.record.access_key_id,
                    "access-key.created", "access key created for user " + *user, "", "active");
        v1::AccessKey out = ToApiAccessKey(issued.record, now);
        out.set_secret_access_key(issued.secret);
        return out;
      });
}

absl::StatusOr<v1::DescribeAccessKeysResponse> AccessKeyService::Describe(
    const RequestContext& ctx, const v1::DescribeAccessKeysRequest& request) {
  const int64_t now = core_.clock.NowMillis();
  return core_.store.Read(
      [&](Repositories& repos) -> absl::StatusOr<v1::DescribeAccessKeysResponse> {
        auto user = TargetUser(repos, ctx, request.user_name());
        if (!user.ok()) return user.status();
        v1::DescribeAccessKeysResponse response;
        for (const AccessKeyRecord& key : repos.access_keys.ListForUser(*user)) {
          *response.add_access_keys() = ToApiAccessKey(key, now);
        }
        return response;
      });
}

absl::StatusOr<v1::AccessKey> AccessKeyService::Update(const RequestContext& ctx,
                                                       const v1::UpdateAccessKeyRequest& request) {
  if (request.status() != "active" && request.status() != "inactive") {
    return InvalidParameter("Status",
                            "Status must be active or inactive, not '" + request.status() + "'");
  }
  const int64_t now = core_.clock.NowMillis();
  return Commit(core_,
                [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<v1::AccessKey> {
                  auto key = LoadOwnKey(repos, ctx, request.access_key_id());
                  if (!key.ok()) return key.status();
                  if (key->status != request.status()) {
                    repos.access_keys.SetStatus(key->access_key_id, request.status());
                    RecordEvent(repos, changes, ctx, now, "access-key", key->access_key_id,
                                "access-key.status-changed",
                                "access key of user " + key->user_name + " is " + request.status(),
                                key->status, request.status());
                    key->status = request.status();
                  }
                  return ToApiAccessKey(*key, now);
                });
}

absl::Status AccessKeyService::Delete(const RequestContext& ctx, const std::string& access_key_id) {
  const int64_t now = core_.clock.NowMillis();
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::Status {
    auto key = LoadOwnKey(repos, ctx, access_key_id);
    if (!key.ok()) return key.status();
    repos.access_keys.Delete(access_key_id);
    RecordEvent(repos, changes, ctx, now, "access-key", access_key_id, "access-key.deleted",
                "access key of user " + key->user_name + " deleted", key->status, "deleted");
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::AccessKey> AccessKeyService::Rotate(const RequestContext& ctx,
                                                       const v1::RotateAccessKeyRequest& request) {
  if (request.grace_seconds() < 0 || request.grace_seconds() > 30 * 24 * 3600) {
    return InvalidParameter("GraceSeconds",
                            "GraceSeconds must be between 0 (at once) and 2592000 (30 days)");
  }
  const int64_t now = core_.clock.NowMillis();
  return Commit(
      core_, [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<v1::AccessKey> {
        auto old_key = LoadOwnKey(repos, ctx, request.access_key_id());
        if (!old_key.ok()) return old_key.status();
        IssuedAccessKey issued = IssueAccessKey(repos, core_.ids, old_key->user_name, now, 0);
        if (request.grace_seconds() == 0) {
          repos.access_keys.SetStatus(old_key->access_key_id, "inactive");
        } else {
          const int64_t until = now + request.grace_seconds() * 1000;
          if (old_key->expires_at == 0 || old_key->expires_at > until) {
            repos.access_keys.SetExpiry(old_key->access_key_id, until);
          }
        }
        RecordEvent(repos, changes, ctx, now, "access-key", old_key->access_key_id,
                    "access-key.rotated",
                    "replaced by " + issued.record.access_key_id + "; old key " +
                        (request.grace_seconds() == 0
                             ? std::string("inactive now")
                             : "expires in " + std::to_string(request.grace_seconds()) + " s"),
                    old_key->status, request.grace_seconds() == 0 ? "inactive" : old_key->status);
        v1::AccessKey out = ToApiAccessKey(issued.record, now);
        out.set_secret_access_key(issued.secret);
        return out;
      });
}

}  // namespace gureum::controller
