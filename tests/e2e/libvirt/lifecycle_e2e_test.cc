// End-to-end: a real guest under libvirtd (TCG here), through every lifecycle
// call of the driver.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <set>

#include <catch2/catch.hpp>

#include "tests/e2e/libvirt/e2e_env.h"
#include "tests/e2e/libvirt/tiny_guest_image.h"
#include "tests/support/raw_connection.h"
#include "tests/support/test_network.h"

namespace gureum::agent::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string Console(E2eEnv& env, const std::string& id) {
  absl::StatusOr<std::string> out = env.driver->ConsoleOutput(id, 1 << 20);
  return out.ok() ? *out : std::string();
}

PowerState StateOf(E2eEnv& env, const std::string& id) {
  absl::StatusOr<DomainInfo> info = env.driver->Info(id);
  REQUIRE(info.ok());
  return info->state;
}

bool HasReservationFor(E2eEnv& env, const std::string& network, const std::string& mac) {
  absl::StatusOr<std::vector<DhcpHost>> hosts = env.driver->Network(network).ListDhcpHosts();
  REQUIRE(hosts.ok());
  return std::any_of(hosts->begin(), hosts->end(),
                     [&](const DhcpHost& host) { return host.mac == mac; });
}

// Waits for the console to satisfy `done`; on timeout fails with the console.
void WaitForConsole(E2eEnv& env, const std::string& id,
                    const std::function<bool(const std::string&)>& done,
                    std::chrono::milliseconds timeout, const std::string& what) {
  if (!WaitFor([&] { return done(Console(env, id)); }, timeout)) {
    FAIL("timed out waiting for " << what << "; console:\n" << Console(env, id));
  }
}

TEST_CASE("a libvirt guest goes through its whole lifecycle from define to undefine") {
  // This test verifies that the driver defines a direct-boot guest, starts it
  // with its DHCP reservation (made by Start, not Define) until its init marker shows in
  // ConsoleOutput (seed cdrom, virtio disk and the reserved IP visible inside), and that Reboot,
  // Shutdown, PowerOff and Undefine do what they promise, with the documented errors in the wrong
  // states.
  RawConnection raw;
  E2eEnv env;
  // Reservations as files in dnsmasq's hosts directory: the guest printing the
  // reserved address proves dnsmasq read the file before the guest asked.
  TestNetwork network(raw, env.suffix, "/tmp/gureum-e2e-dhcp-" + env.suffix);
  const std::string token = "token-" + env.suffix;
  const TinyGuestImage image = TinyGuestImage::Build(env.dir.path() / "image", token);

  std::mutex events_mu;
  std::set<std::string> events;
  env.driver->SetDomainChangedCallback([&](const std::string& id) {
    std::lock_guard<std::mutex> lock(events_mu);
    events.insert(id);
  });

  const std::string id = env.NewInstanceId();
  DomainSpec spec;
  spec.instance_id = id;
  spec.vcpus = 1;
  spec.memory_mib = 256;
  spec.disk_path = image.disk_path;
  spec.disk_format = "qcow2";
  spec.kernel_path = image.kernel_path;
  spec.initrd_path = image.initrd_path;
  spec.kernel_args = "quiet";
  spec.seed_iso_path = image.seed_iso_path;
  spec.mac_address = env.NewMac();
  spec.network = network.name();
  spec.console_log_path = (env.dir.path() / "console.log").string();
  spec.metadata = {{"private_ip", network.Ip(50)}, {"reboot_token", "0"}};

  auto t_define = Clock::now();
  REQUIRE(env.driver->Define(spec).ok());
  const double define_ms = MsSince(t_define);
  CHECK(absl::IsAlreadyExists(env.driver->Define(spec)));
  CHECK(network.IsActive());
  // The reservation is made by Start, alongside QEMU's start.
  CHECK_FALSE(HasReservationFor(env, network.name(), spec.mac_address));

  absl::StatusOr<DomainInfo> info = env.driver->Info(id);
  REQUIRE(info.ok());
  CHECK(info->state == PowerState::kShutoff);
  CHECK(info->boot_time_ms == 0);
  CHECK(info->metadata == spec.metadata);
  CHECK(absl::IsFailedPrecondition(env.driver->Shutdown(id)));
  CHECK(absl::IsFailedPrecondition(env.driver->PowerOff(id)));
  CHECK(absl::IsFailedPrecondition(env.driver->Reboot(id)));

  env.clock.Set(1'700'000'123'000);
  auto t_start = Clock::now();
  REQUIRE(env.driver->Start(id).ok());
  const double start_ms = MsSince(t_start);
  CHECK(HasReservationFor(env, network.name(), spec.mac_address));
  CHECK(StateOf(env, id) == PowerState::kRunning);
  WaitForConsole(
      env, id, [](const std::string& c) { return c.find("GUREUM-E2E boot") != std::string::npos; },
      seconds(60), "the boot marker");
  const double marker_ms = MsSince(t_start);
  WaitForConsole(
      env, id, [](const std::string& c) { return c.find("GUREUM-E2E ready") != std::string::npos; },
      seconds(90), "the ready marker");
  const double ready_ms = MsSince(t_start);
  std::printf(
      "TIMING libvirt e2e (%s): Define %.0f ms, Start %.0f ms, Start->boot marker %.0f ms, "
      "Start->ready (seed, disk, DHCP) %.0f ms\n",
      env.driver->virt_type_choice().virt_type.c_str(), define_ms, start_ms, marker_ms, ready_ms);

  const std::string console = Console(env, id);
  CHECK(console.find("GUREUM-E2E seed " + token) != std::string::npos);
  CHECK(console.find("GUREUM-E2E disk vda") != std::string::npos);
  CHECK(console.find("GUREUM-E2E ip " + network.Ip(50)) != std::string::npos);
  absl::StatusOr<std::string> tail = env.driver->ConsoleOutput(id, 10);
  REQUIRE(tail.ok());
  CHECK(tail->size() == 10);
  CHECK(console.substr(console.size() - 10) == *tail);

  info = env.driver->Info(id);
  REQUIRE(info.ok());
  CHECK(info->state == PowerState::kRunning);
  // Started paused, resumed once its DHCP reservation was in place.
  CHECK(info->state_reason == "resumed");
  CHECK(info->boot_time_ms == 1'700'000'123'000);
  CHECK(absl::IsFailedPrecondition(env.driver->Start(id)));
  CHECK(WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(events_mu);
        return events.count(id) == 1;
      },
      seconds(5)));

  // Reboot: the guest powers off on the ACPI button, libvirt restarts it.
  REQUIRE(env.driver->Reboot(id).ok());
  WaitForConsole(
      env, id, [](const std::string& c) { return CountOf(c, "GUREUM-E2E ready") == 2; },
      seconds(90), "the second ready marker (after Reboot)");
  CHECK(CountOf(Console(env, id), "GUREUM-E2E power-button") == 1);
  CHECK(StateOf(env, id) == PowerState::kRunning);

  // The reservation is remembered apart from the key/values it came from.
  REQUIRE(env.driver->SetMetadata(id, {{"reboot_token", "1"}}).ok());
  info = env.driver->Info(id);
  REQUIRE(info.ok());
  CHECK(info->metadata == std::map<std::string, std::string>{{"reboot_token", "1"}});
  CHECK(info->boot_time_ms == 1'700'000'123'000);

  REQUIRE(env.driver->Shutdown(id).ok());
  REQUIRE(WaitFor([&] { return StateOf(env, id) == PowerState::kShutoff; }, seconds(60)));
  info = env.driver->Info(id);
  REQUIRE(info.ok());
  CHECK(info->state_reason == "guest shut down");
  CHECK(info->boot_time_ms == 0);
  CHECK(CountOf(Console(env, id), "GUREUM-E2E power-button") == 2);

  REQUIRE(env.driver->Start(id).ok());
  WaitForConsole(
      env, id, [](const std::string& c) { return CountOf(c, "GUREUM-E2E boot") == 3; }, seconds(60),
      "the third boot marker");
  REQUIRE(env.driver->PowerOff(id).ok());
  info = env.driver->Info(id);
  REQUIRE(info.ok());
  CHECK(info->state == PowerState::kShutoff);
  CHECK(info->state_reason == "powered off");

  REQUIRE(env.driver->Start(id).ok());
  REQUIRE(env.driver->Undefine(id).ok());  // powers off first
  CHECK(absl::IsNotFound(env.driver->Info(id).status()));
  CHECK(absl::IsNotFound(env.driver->Undefine(id)));
  CHECK(absl::IsNotFound(env.driver->ConsoleOutput(id, 100).status()));
  CHECK_FALSE(raw.DomainExists("gureum-" + id));
  CHECK_FALSE(HasReservationFor(env, network.name(), spec.mac_address));
  absl::StatusOr<std::vector<DomainInfo>> listed = env.driver->List();
  REQUIRE(listed.ok());
  CHECK(std::none_of(listed->begin(), listed->end(),
                     [&](const DomainInfo& d) { return d.instance_id == id; }));
}

}  // namespace
}  // namespace gureum::agent::testing
