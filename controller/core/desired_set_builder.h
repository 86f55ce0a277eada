// DesiredSetBuilder: the whole desired set of one host, as sent to its agent on
// every (re)connect and after every change. Thread-safe.
#pragma once

#include <string>

#include <absl/status/statusor.h>

#include "controller/store/store.h"
#include "gureum/agent/v1/agent.pb.h"

namespace gureum::controller {

class DesiredSetBuilder {
 public:
  explicit DesiredSetBuilder(Store& store, std::string network = "default")
      : store_(store), network_(std::move(network)) {}

  absl::StatusOr<agent::v1::DesiredSet> Build(const std::string& host_id);

 private:
  Store& store_;
  std::string network_;
};

}  // namespace gureum::controller
