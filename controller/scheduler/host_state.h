// The scheduler's view of one host (its row plus what is allocated on it and
// facts about the request at hand) and of one instance to place. Values only.
#pragma once

#include <cstdint>
#include <string>

#include "controller/store/records.h"

namespace gureum::controller {

struct HostState {
  HostRecord host;
  HostAllocation allocation;
  int group_members = 0;      // instances of the request's placement group here
  bool image_cached = false;  // the host's image cache holds the request's image
};

struct PlacementRequest {
  int vcpus = 0;
  int64_t memory_mib = 0;
  int64_t disk_gib = 0;
  std::string availability_zone;  // empty = any
  std::string hypervisor;         // virt type the instance type needs; empty = any
  std::string group_name;         // placement group; empty = none
  std::string group_strategy;     // spread | cluster when group_name is set
};

}  // namespace gureum::controller
