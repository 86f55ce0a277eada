#include "controller/core/key_pair_service.h"

#include "common/api_error.h"
#include "controller/core/instance_view.h"
#include "controller/keys/ssh_key.h"

namespace gureum::controller {

absl::StatusOr<KeyPairRecord> KeyPairService::Store(const RequestContext& ctx,
                                                    KeyPairRecord record) {
  const int64_t now = core_.clock.NowMillis();
  return Commit(
      core_, [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<KeyPairRecord> {
        if (repos.key_pairs.GetByName(ctx.project_id, record.key_name)) {
          return ApiError(absl::StatusCode::kAlreadyExists, errc::kInvalidKeyPairDuplicate,
                          "KeyName", "The keypair '" + record.key_name + "' already exists");
        }
        record.key_pair_id = core_.ids.Next("key");
        record.project_id = ctx.project_id;
        record.created_at = now;
        repos.key_pairs.Insert(record);
        RecordEvent(repos, changes, ctx, now, "key-pair", record.key_pair_id, "key-pair.created",
                    "key pair " + record.key_name + " (" + record.key_type + ", " +
                        record.fingerprint + ") added");
        return record;
      });
}

absl::StatusOr<v1::CreateKeyPairResponse> KeyPairService::Create(
    const RequestContext& ctx, const v1::CreateKeyPairRequest& request) {
  auto generated = GenerateKeyPair(request.key_type());
  if (!generated.ok()) return generated.status();
  KeyPairRecord record;
  record.key_name = request.key_name();
  record.key_type = generated->key_type;
  record.fingerprint = generated->fingerprint;
  record.public_key = generated->public_key;
  auto stored = Store(ctx, record);
  if (!stored.ok()) return stored.status();
  v1::CreateKeyPairResponse response;
  response.set_key_pair_id(stored->key_pair_id);
  response.set_key_name(stored->key_name);
  response.set_key_fingerprint(stored->fingerprint);
  response.set_key_material(generated->private_key);
  return response;
}

absl::StatusOr<v1::KeyPairInfo> KeyPairService::Import(const RequestContext& ctx,
                                                       const v1::ImportKeyPairRequest& request) {
  auto parsed = ParsePublicKey(request.public_key_material());
  if (!parsed.ok()) return parsed.status();
  KeyPairRecord record;
  record.key_name = request.key_name();
  record.key_type = parsed->key_type;
  record.fingerprint = parsed->fingerprint;
  record.public_key = parsed->public_key;
  auto stored = Store(ctx, record);
  if (!stored.ok()) return stored.status();
  return ToApiKeyPair(*stored);
}

absl::StatusOr<v1::DescribeKeyPairsResponse> KeyPairService::Describe(
    const RequestContext& ctx, const v1::DescribeKeyPairsRequest& request) {
  return core_.store.Read([&](Repositories& repos) -> absl::StatusOr<v1::DescribeKeyPairsResponse> {
    v1::DescribeKeyPairsResponse response;
    if (request.key_names().empty() && request.key_pair_ids().empty()) {
      for (const auto& key : repos.key_pairs.List(ctx.project_id)) {
        *response.add_key_pairs() = ToApiKeyPair(key);
      }
      return response;
    }
    for (const std::string& name : request.key_names()) {
      auto key = repos.key_pairs.GetByName(ctx.project_id, name);
      if (!key) {
        return NotFoundError(errc::kInvalidKeyPairNotFound, "KeyNames",
                             "The key pair '" + name + "' does not exist");
      }
      *response.add_key_pairs() = ToApiKeyPair(*key);
    }
    for (const std::string& id : request.key_pair_ids()) {
      auto key = repos.key_pairs.GetById(id);
      if (!key || key->project_id != ctx.project_id) {
        return NotFoundError(errc::kInvalidKeyPairNotFound, "KeyPairIds",
                             "The key pair '" + id + "' does not exist");
      }
      *response.add_key_pairs() = ToApiKeyPair(*key);
    }
    return response;
  });
}

absl::Status KeyPairService::Delete(const RequestContext& ctx,
                                    const v1::DeleteKeyPairRequest& request) {
  const int64_t now = core_.clock.NowMillis();
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::Status {
    std::optional<KeyPairRecord> key =
        request.key_pair_id().empty()
            ? repos.key_pairs.GetByName(ctx.project_id, request.key_name())
            : repos.key_pairs.GetById(request.key_pair_id());
    if (!key || key->project_id != ctx.project_id) return absl::OkStatus();
    repos.key_pairs.Delete(key->key_pair_id);
    RecordEvent(repos, changes, ctx, now, "key-pair", key->key_pair_id, "key-pair.deleted",
                "key pair " + key->key_name + " deleted");
    return absl::OkStatus();
  });
}

}  // namespace gureum::controller
