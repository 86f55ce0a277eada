// AccessKeyService: API keys. A user creates, lists, disables, deletes and
// rotates their own keys; an admin anyone's. The secret leaves the controller
// once, in the Create/Rotate response, and is stored as a salted hash.
// Thread-safe.
#pragma once

#include <string>

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

// A new key row (already inserted) and its secret.
struct IssuedAccessKey {
  AccessKeyRecord record;
  std::string secret;
};

// Inserts a new active key for `user_name` inside the caller's transaction.
IssuedAccessKey IssueAccessKey(Repositories& repos, IdGenerator& ids, const std::string& user_name,
                               int64_t now, int64_t expires_at);

// The API view: status "expired" once expires_at has passed.
v1::AccessKey ToApiAccessKey(const AccessKeyRecord& record, int64_t now);

class AccessKeyService {
 public:
  explicit AccessKeyService(CoreContext& core) : core_(core) {}

  absl::StatusOr<v1::AccessKey> Create(const RequestContext& ctx,
                                       const v1::CreateAccessKeyRequest& request);
  absl::StatusOr<v1::DescribeAccessKeysResponse> Describe(
      const RequestContext& ctx, const v1::DescribeAccessKeysRequest& request);
  absl::StatusOr<v1::AccessKey> Update(const RequestContext& ctx,
                                       const v1::UpdateAccessKeyRequest& request);
  absl::Status Delete(const RequestContext& ctx, const std::string& access_key_id);
  absl::StatusOr<v1::AccessKey> Rotate(const RequestContext& ctx,
                                       const v1::RotateAccessKeyRequest& request);

 private:
  CoreContext& core_;
};

}  // namespace gureum::controller
