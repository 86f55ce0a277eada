#include "agent/hypervisor/fake/fake_driver.h"

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

namespace gureum::agent {
namespace {

using namespace std::chrono_literals;

DomainSpec Spec(const std::string& id, int64_t memory_mib = 512) {
  DomainSpec spec;
  spec.instance_id = id;
  spec.vcpus = 2;
  spec.memory_mib = memory_mib;
  spec.mac_address = "52:54:00:00:00:01";
  return spec;
}

PowerState StateOf(FakeDriver& driver, const std::string& id) {
  absl::StatusOr<DomainInfo> info = driver.Info(id);
  REQUIRE(info.ok());
  return info->state;
}

std::string Console(FakeDriver& driver, const std::string& id) {
  absl::StatusOr<std::string> out = driver.ConsoleOutput(id, 1 << 20);
  REQUIRE(out.ok());
  return *out;
}

// A fresh directory per test, removed at the end.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("gureum-fake-driver-test-" + std::to_string(::getpid()) + "-" +
            std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("fake driver defines stopped domains and refuses duplicates and bad specs") {
  // This test verifies that Define makes a shut-off domain and fails like
  // libvirt for a taken name and for unusable specs.
  ManualClock clock;
  FakeDriver driver(clock);
  REQUIRE(driver.Define(Spec("i-1")).ok());
  absl::StatusOr<DomainInfo> info = driver.Info("i-1");
  REQUIRE(info.ok());
  CHECK(info->state == PowerState::kShutoff);
  CHECK(info->boot_time_ms == 0);
  CHECK(absl::IsAlreadyExists(driver.Define(Spec("i-1"))));

  DomainSpec no_cpu = Spec("i-2");
  no_cpu.vcpus = 0;
  CHECK(absl::IsInvalidArgument(driver.Define(no_cpu)));
  DomainSpec no_memory = Spec("i-2");
  no_memory.memory_mib = 0;
  CHECK(absl::IsInvalidArgument(driver.Define(no_memory)));
  CHECK(absl::IsInvalidArgument(driver.Define(Spec(""))));
  CHECK(absl::IsInvalidArgument(driver.Define(Spec("a/b"))));
  CHECK(absl::IsNotFound(driver.Info("i-2").status()));
  REQUIRE(driver.List().ok());
  CHECK(driver.List()->size() == 1);

  absl::StatusOr<HostCapabilities> caps = driver.Capabilities();
  REQUIRE(caps.ok());
  CHECK(caps->hypervisor_type == "fake");
  CHECK(caps->virt_type == "fake");
  CHECK(caps->vcpus == 8);
  CHECK(caps->memory_mib == 16384);
}

TEST_CASE("fake driver starts, reboots and powers off with a real hypervisor's errors") {
  // This test verifies the power transitions and that each call made in the
  // wrong state fails with the status code a real driver returns.
  ManualClock clock;
  FakeDriver driver(clock);
  CHECK(absl::IsNotFound(driver.Start("i-1")));
  CHECK(absl::IsNotFound(driver.Shutdown("i-1")));
  CHECK(absl::IsNotFound(driver.PowerOff("i-1")));
  CHECK(absl::IsNotFound(driver.Reboot("i-1")));
  CHECK(absl::IsNotFound(driver.Undefine("i-1")));
  CHECK(absl::IsNotFound(driver.SetMetadata("i-1", {})));
  CHECK(absl::IsNotFound(driver.ConsoleOutput("i-1", 10).status()));

  REQUIRE(driver.Define(Spec("i-1")).ok());
  CHECK(absl::IsFailedPrecondition(driver.Shutdown("i-1")));
  CHECK(absl::IsFailedPrecondition(driver.PowerOff("i-1")));
  CHECK(absl::IsFailedPrecondition(driver.Reboot("i-1")));

  REQUIRE(driver.Start("i-1").ok());
  absl::StatusOr<DomainInfo> info = driver.Info("i-1");
  REQUIRE(info.ok());
  CHECK(info->state == PowerState::kRunning);
  CHECK(info->boot_time_ms == clock.NowMillis());
  CHECK(absl::IsFailedPrecondition(driver.Start("i-1")));

  clock.Advance(10s);
  REQUIRE(driver.Reboot("i-1").ok());
  CHECK(StateOf(driver, "i-1") == PowerState::kRunning);
  CHECK(driver.RebootCount("i-1").value() == 1);
  CHECK(driver.Info("i-1")->boot_time_ms == info->boot_time_ms);

  REQUIRE(driver.PowerOff("i-1").ok());
  info = driver.Info("i-1");
  CHECK(info->state == PowerState::kShutoff);
  CHECK(info->state_reason == "destroyed");
  CHECK(info->boot_time_ms == 0);
}

TEST_CASE("fake guest obeys a shutdown after the configured delay on the injected clock") {
  // This test verifies that Shutdown returns at once, the guest reaches
  // shutoff only when the delay has passed, and a negative delay means the
  // guest ignores the request.
  ManualClock clock;
  FakeDriverOptions options;
  options.shutdown_delay_ms = 5000;
  FakeDriver driver(clock, options);
  REQUIRE(driver.Define(Spec("i-1")).ok());
  REQUIRE(driver.Start("i-1").ok());
  REQUIRE(driver.Shutdown("i-1").ok());
  CHECK(StateOf(driver, "i-1") == PowerState::kShuttingDown);
  CHECK(driver.Shutdown("i-1").ok());  // pressing the button twice is fine
  CHECK(absl::IsFailedPrecondition(driver.Start("i-1")));
  clock.Advance(4999ms);
  CHECK(StateOf(driver, "i-1") == PowerState::kShuttingDown);
  clock.Advance(1ms);
  CHECK(StateOf(driver, "i-1") == PowerState::kShutoff);
  CHECK(driver.Info("i-1")->state_reason == "shutdown");

  driver.SetShutdownDelay(0);
  REQUIRE(driver.Start("i-1").ok());
  REQUIRE(driver.Shutdown("i-1").ok());
  CHECK(StateOf(driver, "i-1") == PowerState::kShutoff);

  driver.SetShutdownDelay(-1);
  REQUIRE(driver.Start("i-1").ok());
  REQUIRE(driver.Shutdown("i-1").ok());
  clock.Advance(std::chrono::hours(1));
  CHECK(StateOf(driver, "i-1") == PowerState::kRunning);
  REQUIRE(driver.PowerOff("i-1").ok());
  CHECK(StateOf(driver, "i-1") == PowerState::kShutoff);
}

TEST_CASE("fake driver refuses to start a guest the host has no memory for") {
  // This test verifies that Start fails with ResourceExhausted when running
  // guests would exceed the configured host memory, and succeeds once freed.
  ManualClock clock;
  FakeDriverOptions options;
  options.capabilities.memory_mib = 1024;
  FakeDriver driver(clock, options);
  REQUIRE(driver.Define(Spec("i-1", 768)).ok());
  REQUIRE(driver.Define(Spec("i-2", 768)).ok());
  REQUIRE(driver.Start("i-1").ok());
  absl::Status second = driver.Start("i-2");
  CHECK(absl::IsResourceExhausted(second));
  CHECK(std::string(second.message()).find("256 MiB free") != std::string::npos);
  CHECK(StateOf(driver, "i-2") == PowerState::kShutoff);
  REQUIRE(driver.PowerOff("i-1").ok());
  CHECK(driver.Start("i-2").ok());
}

TEST_CASE("fake console records each lifecycle step and keeps only its last 64 KiB") {
  // This test verifies that the console holds realistic lines for boot,
  // reboot and shutdown, that max_bytes returns the tail, and that the buffer
  // is capped at 64 KiB.
  ManualClock clock;
  FakeDriver driver(clock);
  REQUIRE(driver.Define(Spec("i-1")).ok());
  CHECK(Console(driver, "i-1").empty());
  REQUIRE(driver.Start("i-1").ok());
  std::string console = Console(driver, "i-1");
  CHECK(console.find("[fake] booting i-1") != std::string::npos);
  CHECK(console.find("GUREUM-INSTANCE-ID=i-1\n") != std::string::npos);
  REQUIRE(driver.Reboot("i-1").ok());
  console = Console(driver, "i-1");
  CHECK(console.find("[fake] reboot") != std::string::npos);
  REQUIRE(driver.Shutdown("i-1").ok());
  REQUIRE(driver.Info("i-1").ok());
  console = Console(driver, "i-1");
  CHECK(console.find("ACPI: power button pressed") != std::string::npos);
  CHECK(console.find("Power down") != std::string::npos);

  absl::StatusOr<std::string> tail = driver.ConsoleOutput("i-1", 11);
  REQUIRE(tail.ok());
  CHECK(*tail == "Power down\n");
  CHECK(absl::IsInvalidArgument(driver.ConsoleOutput("i-1", 0).status()));

  REQUIRE(driver.Start("i-1").ok());
  while (Console(driver, "i-1").size() < 64 * 1024) REQUIRE(driver.Reboot("i-1").ok());
  REQUIRE(driver.Reboot("i-1").ok());
  console = Console(driver, "i-1");
  CHECK(console.size() == 64 * 1024);
  CHECK(console.ends_with("login: \n"));
}

TEST_CASE("fake driver fails the next start or define when told to, then works again") {
  // This test verifies the fault injection: one failing call with the given
  // message, the domain left shut off (or undefined), the next call fine.
  ManualClock clock;
  FakeDriver driver(clock);
  driver.FailNextDefine("disk image is corrupt");
  absl::Status defined = driver.Define(Spec("i-1"));
  CHECK(defined.code() == absl::StatusCode::kInternal);
  CHECK(defined.message() == "disk image is corrupt");
  CHECK(absl::IsNotFound(driver.Info("i-1").status()));
  REQUIRE(driver.Define(Spec("i-1")).ok());

  driver.FailNextStart("qemu unexpectedly closed the monitor");
  absl::Status started = driver.Start("i-1");
  CHECK(started.code() == absl::StatusCode::kInternal);
  CHECK(started.message() == "qemu unexpectedly closed the monitor");
  CHECK(StateOf(driver, "i-1") == PowerState::kShutoff);
  CHECK(driver.Start("i-1").ok());
}

TEST_CASE("fake guests can shut themselves down or crash") {
  // This test verifies that guest-initiated power-off and a crash leave the
  // domain shut off with the reason a real hypervisor gives.
  ManualClock clock;
  FakeDriver driver(clock);
  REQUIRE(driver.Define(Spec("i-1")).ok());
  CHECK(absl::IsFailedPrecondition(driver.GuestShutdown("i-1")));
  REQUIRE(driver.Start("i-1").ok());
  REQUIRE(driver.GuestShutdown("i-1").ok());
  CHECK(StateOf(driver, "i-1") == PowerState::kShutoff);
  CHECK(driver.Info("i-1")->state_reason == "shutdown");

  REQUIRE(driver.Start("i-1").ok());
  REQUIRE(driver.GuestCrash("i-1").ok());
  CHECK(StateOf(driver, "i-1") == PowerState::kShutoff);
  CHECK(driver.Info("i-1")->state_reason == "crashed");
  CHECK(Console(driver, "i-1").find("Kernel panic") != std::string::npos);
  CHECK(absl::IsNotFound(driver.GuestCrash("i-9")));
}

TEST_CASE("fake undefine powers off and forgets the domain with its metadata and console") {
  // This test verifies that Undefine works on a running domain and leaves
  // nothing behind, and that SetMetadata replaces the whole map.
  ManualClock clock;
  FakeDriver driver(clock);
  REQUIRE(driver.Define(Spec("i-1")).ok());
  REQUIRE(driver.SetMetadata("i-1", {{"a", "1"}, {"b", "2"}}).ok());
  REQUIRE(driver.SetMetadata("i-1", {{"b", "3"}}).ok());
  CHECK(driver.Info("i-1")->metadata == std::map<std::string, std::string>{{"b", "3"}});
  REQUIRE(driver.Start("i-1").ok());
  REQUIRE(driver.Undefine("i-1").ok());
  CHECK(absl::IsNotFound(driver.Info("i-1").status()));
  CHECK(absl::IsNotFound(driver.ConsoleOutput("i-1", 10).status()));
  CHECK(driver.List()->empty());
  REQUIRE(driver.Define(Spec("i-1")).ok());
  CHECK(driver.Info("i-1")->metadata.empty());
  CHECK(Console(driver, "i-1").empty());
}

TEST_CASE("persistent fake driver keeps its guests running across an agent restart") {
  // This test verifies that a driver reopened on the same state file sees the
  // same domains, states, metadata and console, and that a corrupt file is
  // reported instead of silently emptying the host.
  TempDir dir;
  std::string file = (dir.path / "fake.json").string();
  ManualClock clock;
  int64_t booted_at = clock.NowMillis();
  {
    auto driver = FakeDriver::OpenPersistent(clock, {}, file);
    REQUIRE(driver.ok());
    REQUIRE((*driver)->Define(Spec("i-1")).ok());
    REQUIRE((*driver)->Define(Spec("i-2")).ok());
    REQUIRE((*driver)->SetMetadata("i-1", {{"reboot_token", "4"}}).ok());
    REQUIRE((*driver)->Start("i-1").ok());
  }
  clock.Advance(1min);
  {
    auto driver = FakeDriver::OpenPersistent(clock, {}, file);
    REQUIRE(driver.ok());
    absl::StatusOr<DomainInfo> info = (*driver)->Info("i-1");
    REQUIRE(info.ok());
    CHECK(info->state == PowerState::kRunning);
    CHECK(info->boot_time_ms == booted_at);
    CHECK(info->metadata.at("reboot_token") == "4");
    CHECK(Console(**driver, "i-1").find("GUREUM-INSTANCE-ID=i-1") != std::string::npos);
    CHECK(StateOf(**driver, "i-2") == PowerState::kShutoff);
    CHECK((*driver)->SpecOf("i-1")->mac_address == "52:54:00:00:00:01");
    REQUIRE((*driver)->Undefine("i-2").ok());
  }
  {
    auto driver = FakeDriver::OpenPersistent(clock, {}, file);
    REQUIRE(driver.ok());
    CHECK((*driver)->List()->size() == 1);
  }
  std::ofstream(file, std::ios::trunc) << "{ not json";
  auto corrupt = FakeDriver::OpenPersistent(clock, {}, file);
  CHECK(absl::IsDataLoss(corrupt.status()));
}

TEST_CASE(
    "fake start loses the connection after QEMU started paused, and the next start finishes it") {
  // This test verifies the fake's two-step start: a connection reset during
  // it leaves the guest paused and not booted (nothing on the console), and
  // Start on that paused domain resumes it: one boot.
  ManualClock clock;
  FakeDriver driver(clock);
  REQUIRE(driver.Define(Spec("i-1")).ok());
  driver.ResetConnectionDuringNextStart();
  absl::Status lost = driver.Start("i-1");
  CHECK(absl::IsUnavailable(lost));
  CHECK(lost.message() == "Cannot recv data: Connection reset by peer");
  CHECK(StateOf(driver, "i-1") == PowerState::kPaused);
  CHECK(driver.Info("i-1")->state_reason == "starting up");
  CHECK(Console(driver, "i-1").empty());

  REQUIRE(driver.Start("i-1").ok());
  CHECK(StateOf(driver, "i-1") == PowerState::kRunning);
  CHECK(Console(driver, "i-1").find("GUREUM-INSTANCE-ID=i-1") != std::string::npos);
  CHECK(absl::IsFailedPrecondition(driver.Start("i-1")));
}

TEST_CASE("fake driver loses the connection on the calls it is told to, changing nothing") {
  // This test verifies DropConnection (every call, as while the daemon
  // restarts) and LoseConnectionOnNext (one named call): Unavailable with
  // libvirt's words and no effect; then calls work again.
  ManualClock clock;
  FakeDriver driver(clock);
  REQUIRE(driver.Define(Spec("i-1")).ok());
  driver.DropConnection(2);
  CHECK(absl::IsUnavailable(driver.List().status()));
  CHECK(absl::IsUnavailable(driver.Start("i-1")));
  CHECK(StateOf(driver, "i-1") == PowerState::kShutoff);
  REQUIRE(driver.Start("i-1").ok());
  driver.LoseConnectionOnNext("PowerOff");
  CHECK(driver.Info("i-1").ok());
  CHECK(absl::IsUnavailable(driver.PowerOff("i-1")));
  CHECK(StateOf(driver, "i-1") == PowerState::kRunning);
  CHECK(driver.PowerOff("i-1").ok());
}

TEST_CASE("a persistent fake guest killed between its paused start and resume stays paused") {
  // This test verifies start_pause: the paused state is saved before the
  // guest runs, so a driver reopened on the file while a start is in its
  // pause (the agent killed) finds the guest paused, not running.
  TempDir dir;
  std::string file = (dir.path / "fake.json").string();
  ManualClock clock;
  FakeDriverOptions slow;
  slow.start_pause_ms = 300;
  auto driver = FakeDriver::OpenPersistent(clock, slow, file);
  REQUIRE(driver.ok());
  REQUIRE((*driver)->Define(Spec("i-1")).ok());
  std::thread starting([&] { CHECK((*driver)->Start("i-1").ok()); });
  std::this_thread::sleep_for(100ms);
  auto snapshot = FakeDriver::OpenPersistent(clock, {}, file);
  starting.join();
  REQUIRE(snapshot.ok());
  CHECK(StateOf(**snapshot, "i-1") == PowerState::kPaused);
  CHECK(StateOf(**driver, "i-1") == PowerState::kRunning);
}

TEST_CASE("fake guests paused by an operator stay paused until powered off") {
  // This test verifies PauseByOperator: kPaused with reason "user".
  ManualClock clock;
  FakeDriver driver(clock);
  REQUIRE(driver.Define(Spec("i-1")).ok());
  CHECK(absl::IsFailedPrecondition(driver.PauseByOperator("i-1")));
  REQUIRE(driver.Start("i-1").ok());
  REQUIRE(driver.PauseByOperator("i-1").ok());
  CHECK(StateOf(driver, "i-1") == PowerState::kPaused);
  CHECK(driver.Info("i-1")->state_reason == "user");
  REQUIRE(driver.PowerOff("i-1").ok());
  CHECK(StateOf(driver, "i-1") == PowerState::kShutoff);
}

}  // namespace gureum::agent
