// DesiredSetBuilder: what one host's agent must run, as sent to it: the whole
// desired set on every (re)connect, and the entries of the instances a change
// touched, to patch the set the stream keeps (DesiredSetCache). Thread-safe.
#pragma once

#include <set>
#include <string>

#include <absl/status/statusor.h>

#include "controller/store/store.h"
#include "gureum/agent/v1/agent.pb.h"

namespace gureum::controller {

class DesiredSetBuilder {
 public:
  explicit DesiredSetBuilder(Store& store, std::string network = "default")
      : store_(store), network_(std::move(network)) {}

  // Every instance on the host that is not terminated, by launch order.
  absl::StatusOr<agent::v1::DesiredSet> Build(const std::string& host_id);

  // The entries of those of `instance_ids` still on the host and not
  // terminated, by launch order; the others have left the set. At most
  // kMaxPatchIds ids.
  static constexpr size_t kMaxPatchIds = InstanceRepository::kDesiredBatch;
  absl::StatusOr<agent::v1::DesiredSet> BuildEntries(const std::string& host_id,
                                                     const std::set<std::string>& instance_ids);

 private:
  template <typename ForEach>
  absl::StatusOr<agent::v1::DesiredSet> BuildFrom(ForEach&& for_each);

  Store& store_;
  std::string network_;
};

}  // namespace gureum::controller
