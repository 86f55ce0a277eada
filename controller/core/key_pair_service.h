// KeyPairService: CreateKeyPair (the private key is returned once and never
// stored), ImportKeyPair, DescribeKeyPairs, DeleteKeyPair. Thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include "controller/core/core_context.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

class KeyPairService {
 public:
  explicit KeyPairService(CoreContext& core) : core_(core) {}

  absl::StatusOr<v1::CreateKeyPairResponse> Create(const RequestContext& ctx,
                                                   const v1::CreateKeyPairRequest& request);
  absl::StatusOr<v1::KeyPairInfo> Import(const RequestContext& ctx,
                                         const v1::ImportKeyPairRequest& request);
  absl::StatusOr<v1::DescribeKeyPairsResponse> Describe(const RequestContext& ctx,
                                                        const v1::DescribeKeyPairsRequest& request);
  // Deleting a key pair that does not exist succeeds, as in EC2.
  absl::Status Delete(const RequestContext& ctx, const v1::DeleteKeyPairRequest& request);

 private:
  absl::StatusOr<KeyPairRecord> Store(const RequestContext& ctx, KeyPairRecord record);
  CoreContext& core_;
};

}  // namespace gureum::controller
