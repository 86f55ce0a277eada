// Fake-driver host specs for integration tests.
#pragma once

#include <string>

#include "tests/support/test_cluster.h"

namespace gureum::testing {

inline AgentSpec FakeHost(std::string name, int vcpus = 8, int64_t memory_mib = 16384,
                          int64_t disk_gib = 200) {
  AgentSpec spec;
  spec.host_name = std::move(name);
  spec.vcpus = vcpus;
  spec.memory_mib = memory_mib;
  spec.disk_gib = disk_gib;
  return spec;
}

}  // namespace gureum::testing
