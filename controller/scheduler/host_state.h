// The scheduler's view of one host (its row plus what is allocated on it) and
// of one instance to place. Values only.
#pragma once

#include <cstdint>
#include <string>

#include "controller/store/records.h"

namespace gureum::controller {

struct HostState {
  HostRecord host;
  HostAllocation allocation;
};

struct PlacementRequest {
  int vcpus = 0;
  int64_t memory_mib = 0;
  int64_t disk_gib = 0;
  std::string availability_zone;  // empty = any
};

}  // namespace gureum::controller
