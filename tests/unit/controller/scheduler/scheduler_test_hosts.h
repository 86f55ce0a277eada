// Host views for the scheduler tests. Test-only values.
#pragma once

#include <string>

#include "controller/scheduler/host_state.h"

namespace gureum::controller::testing {

inline HostState Host(const std::string& name, int vcpus, int64_t memory_mib, int64_t disk_gib,
                      const std::string& zone = "az-1") {
  HostState h;
  h.host.host_id = "h-" + name;
  h.host.name = name;
  h.host.state = "up";
  h.host.enabled = true;
  h.host.vcpus = vcpus;
  h.host.memory_mib = memory_mib;
  h.host.disk_gib = disk_gib;
  h.host.availability_zone = zone;
  return h;
}

inline PlacementRequest Want(int vcpus, int64_t memory_mib, int64_t disk_gib,
                             const std::string& zone = "") {
  PlacementRequest request;
  request.vcpus = vcpus;
  request.memory_mib = memory_mib;
  request.disk_gib = disk_gib;
  request.availability_zone = zone;
  return request;
}

}  // namespace gureum::controller::testing
