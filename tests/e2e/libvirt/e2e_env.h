// E2eEnv: what every libvirt end-to-end test needs: unique names for this
// run, a scratch directory, a ManualClock and a LibvirtDriver on
// qemu:///system (its owner is the scratch directory); on destruction it
// removes every domain the test named through it, whether or not the driver
// got to. Plus polling helpers (real time: these tests wait for real guests).
// Not thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/hypervisor/libvirt/libvirt_driver.h"
#include "common/clock.h"
#include "tests/e2e/libvirt/scratch_dir.h"
#include "tests/support/raw_connection.h"
#include "tests/support/test_network.h"

namespace gureum::agent::testing {

// Shared with the system tests (tests/support/).
using gureum::testing::kSystemUri;
using gureum::testing::RawConnection;
using gureum::testing::TestNetwork;

class E2eEnv {
 public:
  // default_network: where a NIC goes when the spec names no network.
  explicit E2eEnv(const std::string& default_network = "default");
  ~E2eEnv();

  // "i-e2e<suffix>-<n>", remembered for cleanup.
  std::string NewInstanceId();
  // A domain name the test defines itself, remembered for cleanup.
  void RemoveAtEnd(const std::string& domain_name);
  // A random locally administered unicast MAC in QEMU's 52:54:00 range.
  std::string NewMac();

  const std::string suffix;  // 8 hex digits, unique per run
  ScratchDir dir{"gureum-libvirt-e2e"};
  ManualClock clock;
  std::unique_ptr<LibvirtDriver> driver;

 private:
  int next_ = 0;
  std::vector<std::string> domains_;
};

// Polls `done` every 100 ms until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout);

// How often `needle` occurs in `text`.
int CountOf(const std::string& text, const std::string& needle);

}  // namespace gureum::agent::testing
