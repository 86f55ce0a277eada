// AgentReportApplier: turns what an agent observed into lifecycle transitions
// (pending -> running, stopping -> stopped, shutting-down -> terminated, a
// failed build -> shutting-down with its reason, a guest that shut itself down
// -> stopped). One transaction per report. A report naming an instance
// placed on another host is refused whole with PERMISSION_DENIED (node
// restriction); unknown instances are ignored. Thread-safe.
#pragma once

#include <string>

#include <absl/status/status.h>

#include "controller/core/core_context.h"
#include "gureum/agent/v1/agent.pb.h"

namespace gureum::controller {

class AgentReportApplier {
 public:
  explicit AgentReportApplier(CoreContext& core) : core_(core) {}

  absl::Status Apply(const std::string& host_id, const std::string& host_name,
                     const google::protobuf::RepeatedPtrField<agent::v1::ObservedInstance>& report);

 private:
  CoreContext& core_;
};

}  // namespace gureum::controller
