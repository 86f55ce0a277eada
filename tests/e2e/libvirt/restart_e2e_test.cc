// End-to-end: the driver outlives a libvirtd restart. Restarts the system
// daemon: run this suite serially (ctest -j1 for the e2e label).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>

#include <catch2/catch.hpp>

#include "tests/e2e/libvirt/e2e_env.h"
#include "tests/e2e/libvirt/tiny_guest_image.h"

namespace gureum::agent::testing {
namespace {

using std::chrono::seconds;

bool DaemonAnswers() {
  virConnectPtr conn = virConnectOpen("qemu:///system");
  if (conn == nullptr) return false;
  virConnectClose(conn);
  return true;
}

// Stops libvirtd (SIGTERM, as an init system would) and starts it again.
void RestartLibvirtd() {
  std::ifstream pid_file("/run/libvirtd.pid");
  pid_t pid = 0;
  REQUIRE((pid_file >> pid));
  REQUIRE(pid > 1);
  REQUIRE(kill(pid, SIGTERM) == 0);
  REQUIRE(WaitFor([&] { return kill(pid, 0) != 0; }, seconds(30)));
  REQUIRE(std::system("libvirtd -d") == 0);
  REQUIRE(WaitFor(DaemonAnswers, seconds(30)));
}

TEST_CASE("the libvirt driver keeps working after libvirtd restarts") {
  // This test verifies that when libvirtd goes away and comes back, the
  // driver reports the lost connection through the domain-changed callback,
  // reconnects on the next call, and still sees and controls the guest that
  // kept running meanwhile.
  E2eEnv env;
  const TinyGuestImage image = TinyGuestImage::Build(env.dir.path() / "image", env.suffix);
  std::mutex events_mu;
  std::set<std::string> events;
  env.driver->SetDomainChangedCallback([&](const std::string& id) {
    std::lock_guard<std::mutex> lock(events_mu);
    events.insert(id);
  });

  const std::string id = env.NewInstanceId();
  DomainSpec spec;
  spec.instance_id = id;
  spec.memory_mib = 256;
  spec.kernel_path = image.kernel_path;
  spec.initrd_path = image.initrd_path;
  spec.console_log_path = (env.dir.path() / "console.log").string();
  REQUIRE(env.driver->Define(spec).ok());
  REQUIRE(env.driver->Start(id).ok());
  REQUIRE(WaitFor(
      [&] {
        absl::StatusOr<std::string> out = env.driver->ConsoleOutput(id, 1 << 20);
        return out.ok() && out->find("GUREUM-E2E boot") != std::string::npos;
      },
      seconds(60)));
  const int connections_before = env.driver->host().connections_opened();

  RestartLibvirtd();
  CHECK(WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(events_mu);
        return events.count("") == 1;
      },
      seconds(10)));

  absl::StatusOr<DomainInfo> info = env.driver->Info(id);
  REQUIRE(info.ok());
  CHECK(info->state == PowerState::kRunning);
  CHECK(env.driver->host().connections_opened() > connections_before);
  absl::StatusOr<std::vector<DomainInfo>> listed = env.driver->List();
  REQUIRE(listed.ok());
  CHECK(std::any_of(listed->begin(), listed->end(),
                    [&](const DomainInfo& d) { return d.instance_id == id; }));
  CHECK(env.driver->Capabilities().ok());
  absl::Status off = env.driver->PowerOff(id);
  INFO("first power-off after the restart: " << off.ToString());
  REQUIRE(off.ok());
  absl::StatusOr<DomainInfo> after = env.driver->Info(id);
  REQUIRE(after.ok());
  CHECK(after->state == PowerState::kShutoff);
  REQUIRE(env.driver->Undefine(id).ok());
}

}  // namespace
}  // namespace gureum::agent::testing
