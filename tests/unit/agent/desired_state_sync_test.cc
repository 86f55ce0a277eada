#include "agent/sync/desired_state_sync.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "agent/hypervisor/fake/fake_driver.h"
#include "agent/sync/no_artifacts.h"
#include "tests/support/subprocess.h"

namespace gureum::agent {
namespace {

using namespace std::chrono_literals;

// Counts calls and fails Prepare on demand; otherwise behaves as NoArtifacts.
class CountingArtifacts final : public InstanceArtifacts {
 public:
  absl::StatusOr<DomainSpec> Prepare(const v1::DesiredInstance& desired) override {
    ++prepares;
    if (!fail_prepare.empty()) return absl::Status(fail_prepare_code, fail_prepare);
    return inner_.Prepare(desired);
  }
  absl::Status Release(const std::string& instance_id) override {
    released.push_back(instance_id);
    return inner_.Release(instance_id);
  }

  int prepares = 0;
  std::string fail_prepare;
  absl::StatusCode fail_prepare_code = absl::StatusCode::kDataLoss;  // a corrupt image
  std::vector<std::string> released;

 private:
  NoArtifacts inner_;
};

v1::DesiredInstance Desired(const std::string& id, v1::DesiredPower power, int64_t reboot_token = 0,
                            bool force_stop = false) {
  v1::DesiredInstance d;
  d.set_instance_id(id);
  d.set_power(power);
  d.set_reboot_token(reboot_token);
  d.set_force_stop(force_stop);
  d.mutable_spec()->set_vcpus(2);
  d.mutable_spec()->set_memory_mib(1024);
  d.mutable_spec()->set_mac_address("52:54:00:12:34:56");
  d.mutable_spec()->set_hostname("web-1");
  d.mutable_spec()->set_private_ip_address("10.0.0.5");
  return d;
}

v1::DesiredSet Set(int64_t generation, std::vector<v1::DesiredInstance> instances) {
  v1::DesiredSet set;
  set.set_generation(generation);
  for (auto& i : instances) *set.add_instances() = std::move(i);
  return set;
}

int Occurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// The only observation in a result; fails the test if there is not exactly one.
v1::ObservedInstance Only(const ConvergeResult& result) {
  REQUIRE(result.all.size() == 1);
  return result.all.front();
}

struct Fixture {
  ManualClock clock;
  FakeDriver driver{clock};
  CountingArtifacts artifacts;
  DesiredStateSync sync{driver, artifacts, clock, DesiredStateSyncOptions{.stop_timeout = 60s}};

  v1::ObservedInstance ConvergeTo(int64_t generation, v1::DesiredInstance desired) {
    sync.SetDesired(Set(generation, {std::move(desired)}));
    return Only(sync.Converge());
  }
  PowerState State(const std::string& id) {
    absl::StatusOr<DomainInfo> info = driver.Info(id);
    REQUIRE(info.ok());
    return info->state;
  }
};

}  // namespace

TEST_CASE("sync launches a desired running instance and reports it running") {
  // This test verifies that an absent instance desired running is prepared,
  // defined and started in one pass, reported RUNNING with its boot time, and
  // reported as a change only once.
  Fixture f;
  f.sync.SetDesired(Set(7, {Desired("i-1", v1::DESIRED_RUNNING, 3)}));
  ConvergeResult result = f.sync.Converge();
  v1::ObservedInstance o = Only(result);
  CHECK(o.instance_id() == "i-1");
  CHECK(o.state() == v1::OBSERVED_RUNNING);
  CHECK(o.reason_code().empty());
  CHECK(o.applied_reboot_token() == 3);
  CHECK(o.private_ip_address() == "10.0.0.5");
  CHECK(o.boot_time().seconds() * 1000 + o.boot_time().nanos() / 1'000'000 == f.clock.NowMillis());
  CHECK(result.changed.size() == 1);
  CHECK(result.generation == 7);
  CHECK(f.sync.applied_generation() == 7);
  CHECK(f.State("i-1") == PowerState::kRunning);
  CHECK(f.driver.SpecOf("i-1")->vcpus == 2);
  CHECK(f.driver.SpecOf("i-1")->memory_mib == 1024);
  CHECK(f.driver.SpecOf("i-1")->mac_address == "52:54:00:12:34:56");
  // A token set at launch is already applied: no reboot.
  CHECK(f.driver.RebootCount("i-1").value() == 0);

  ConvergeResult again = f.sync.Converge();
  CHECK(again.all.size() == 1);
  CHECK(again.changed.empty());
  CHECK(f.artifacts.prepares == 1);
}

TEST_CASE("sync only observes the host until the first desired set and then removes orphans") {
  // This test verifies that before any desired set the sync reports what runs
  // without touching it, and that once a set arrives domains missing from it
  // are undefined and their files released.
  Fixture f;
  DomainSpec spec;
  spec.instance_id = "i-old";
  REQUIRE(f.driver.Define(spec).ok());
  REQUIRE(f.driver.Start("i-old").ok());

  ConvergeResult observed = f.sync.Converge();
  CHECK(Only(observed).state() == v1::OBSERVED_RUNNING);
  CHECK(observed.generation == -1);
  CHECK(f.State("i-old") == PowerState::kRunning);

  f.sync.SetDesired(Set(1, {Desired("i-1", v1::DESIRED_RUNNING)}));
  ConvergeResult result = f.sync.Converge();
  CHECK(Only(result).instance_id() == "i-1");
  CHECK(absl::IsNotFound(f.driver.Info("i-old").status()));
  CHECK(f.artifacts.released == std::vector<std::string>{"i-old"});
}

TEST_CASE("sync stops a cooperative guest and reports stopping until it is off") {
  // This test verifies a graceful stop: Shutdown is requested once, STOPPING
  // is reported while the guest takes its time, then STOPPED.
  Fixture f;
  REQUIRE(f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_RUNNING);
  f.driver.SetShutdownDelay(5000);
  f.sync.SetDesired(Set(2, {Desired("i-1", v1::DESIRED_STOPPED)}));
  ConvergeResult stopping = f.sync.Converge();
  CHECK(Only(stopping).state() == v1::OBSERVED_STOPPING);
  CHECK(stopping.settling);
  f.clock.Advance(5s);
  v1::ObservedInstance stopped = Only(f.sync.Converge());
  CHECK(stopped.state() == v1::OBSERVED_STOPPED);
  CHECK(f.driver.Info("i-1")->state_reason == "shutdown");

  // A guest that complies at once is reported stopped in the same pass.
  f.driver.SetShutdownDelay(0);
  REQUIRE(f.ConvergeTo(3, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_RUNNING);
  CHECK(f.ConvergeTo(4, Desired("i-1", v1::DESIRED_STOPPED)).state() == v1::OBSERVED_STOPPED);
  CHECK(f.driver.Info("i-1")->state_reason == "shutdown");
}

TEST_CASE("sync powers off a guest that ignores shutdown once the stop timeout passes") {
  // This test verifies that a guest ignoring ACPI stays STOPPING until the
  // configured stop timeout has passed on the clock, and is then powered off.
  Fixture f;
  REQUIRE(f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_RUNNING);
  f.driver.SetShutdownDelay(-1);
  CHECK(f.ConvergeTo(2, Desired("i-1", v1::DESIRED_STOPPED)).state() == v1::OBSERVED_STOPPING);
  f.clock.Advance(59s);
  CHECK(Only(f.sync.Converge()).state() == v1::OBSERVED_STOPPING);
  CHECK(f.State("i-1") == PowerState::kRunning);
  f.clock.Advance(1s);
  CHECK(Only(f.sync.Converge()).state() == v1::OBSERVED_STOPPED);
  CHECK(f.State("i-1") == PowerState::kShutoff);
  CHECK(f.driver.Info("i-1")->state_reason == "destroyed");
}

TEST_CASE("sync powers off at once when a stop is forced") {
  // This test verifies that force_stop skips the graceful shutdown, also when
  // it arrives while a graceful stop is under way.
  Fixture f;
  REQUIRE(f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_RUNNING);
  CHECK(f.ConvergeTo(2, Desired("i-1", v1::DESIRED_STOPPED, 0, true)).state() ==
        v1::OBSERVED_STOPPED);
  CHECK(f.driver.Info("i-1")->state_reason == "destroyed");
  CHECK(f.driver.ConsoleOutput("i-1", 1 << 20)->find("ACPI") == std::string::npos);

  f.driver.SetShutdownDelay(-1);
  REQUIRE(f.ConvergeTo(3, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_RUNNING);
  CHECK(f.ConvergeTo(4, Desired("i-1", v1::DESIRED_STOPPED)).state() == v1::OBSERVED_STOPPING);
  CHECK(f.ConvergeTo(5, Desired("i-1", v1::DESIRED_STOPPED, 0, true)).state() ==
        v1::OBSERVED_STOPPED);
  CHECK(f.State("i-1") == PowerState::kShutoff);
}

TEST_CASE("sync defines a desired stopped instance without starting it") {
  // This test verifies that an absent instance desired stopped is prepared
  // and defined but never booted.
  Fixture f;
  CHECK(f.ConvergeTo(1, Desired("i-1", v1::DESIRED_STOPPED)).state() == v1::OBSERVED_STOPPED);
  CHECK(f.State("i-1") == PowerState::kShutoff);
  CHECK(f.driver.ConsoleOutput("i-1", 100)->empty());
  CHECK(f.ConvergeTo(2, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_RUNNING);
}

TEST_CASE("sync applies a raised reboot token exactly once, also across agent restarts") {
  // This test verifies that a reboot token above the applied one reboots the
  // guest once, that the applied token is reported, and that a new sync (a
  // restarted agent) reads it back from the domain instead of rebooting again.
  Fixture f;
  REQUIRE(f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING, 0)).state() == v1::OBSERVED_RUNNING);
  v1::ObservedInstance rebooted = f.ConvergeTo(2, Desired("i-1", v1::DESIRED_RUNNING, 1));
  CHECK(rebooted.state() == v1::OBSERVED_RUNNING);
  CHECK(rebooted.applied_reboot_token() == 1);
  CHECK(f.driver.RebootCount("i-1").value() == 1);
  f.sync.Converge();
  f.sync.Converge();
  CHECK(f.driver.RebootCount("i-1").value() == 1);

  DesiredStateSync restarted(f.driver, f.artifacts, f.clock);
  restarted.SetDesired(Set(2, {Desired("i-1", v1::DESIRED_RUNNING, 1)}));
  v1::ObservedInstance after_restart = Only(restarted.Converge());
  CHECK(after_restart.state() == v1::OBSERVED_RUNNING);
  CHECK(after_restart.applied_reboot_token() == 1);
  CHECK(f.driver.RebootCount("i-1").value() == 1);

  restarted.SetDesired(Set(3, {Desired("i-1", v1::DESIRED_RUNNING, 2)}));
  CHECK(Only(restarted.Converge()).applied_reboot_token() == 2);
  CHECK(f.driver.RebootCount("i-1").value() == 2);
}

TEST_CASE("sync terminates an instance and releases its files once") {
  // This test verifies that desired ABSENT undefines a running domain,
  // releases its files, and keeps reporting ABSENT without releasing again.
  Fixture f;
  REQUIRE(f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_RUNNING);
  v1::ObservedInstance gone = f.ConvergeTo(2, Desired("i-1", v1::DESIRED_ABSENT));
  CHECK(gone.state() == v1::OBSERVED_ABSENT);
  CHECK(gone.private_ip_address().empty());
  CHECK(absl::IsNotFound(f.driver.Info("i-1").status()));
  CHECK(f.artifacts.released == std::vector<std::string>{"i-1"});
  CHECK(Only(f.sync.Converge()).state() == v1::OBSERVED_ABSENT);
  CHECK(f.artifacts.released.size() == 1);

  // Dropped from the set (purged): no report, nothing else to do.
  f.sync.SetDesired(Set(3, {}));
  CHECK(f.sync.Converge().all.empty());
}

TEST_CASE("sync reports a failed start as FAILED and retries only when the desired entry changes") {
  // This test verifies that a start failure is reported FAILED with
  // Server.InternalError and a message naming the step, that later passes do
  // not try again (the injected fault is one-shot, so a retry would succeed),
  // and that a changed desired entry is tried again.
  Fixture f;
  f.driver.FailNextStart("qemu unexpectedly closed the monitor");
  v1::ObservedInstance failed = f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING));
  CHECK(failed.state() == v1::OBSERVED_FAILED);
  CHECK(failed.reason_code() == "Server.InternalError");
  CHECK(failed.reason_message() == "start failed: qemu unexpectedly closed the monitor");
  for (int i = 0; i < 3; ++i) {
    ConvergeResult result = f.sync.Converge();
    CHECK(Only(result).state() == v1::OBSERVED_FAILED);
    CHECK(result.changed.empty());
  }
  CHECK(f.State("i-1") == PowerState::kShutoff);
  // Same entry in a new generation (another instance changed): still no retry.
  CHECK(f.ConvergeTo(2, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_FAILED);

  CHECK(f.ConvergeTo(3, Desired("i-1", v1::DESIRED_RUNNING, 1)).state() == v1::OBSERVED_RUNNING);
}

TEST_CASE("sync reports a failed prepare without defining and without preparing again") {
  // This test verifies that an artifacts failure (e.g. an image that cannot be
  // fetched) becomes FAILED with the cause, defines nothing, and is not
  // retried on every pass; terminating the instance still works.
  Fixture f;
  f.artifacts.fail_prepare = "image sha256 mismatch";
  v1::ObservedInstance failed = f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING));
  CHECK(failed.state() == v1::OBSERVED_FAILED);
  CHECK(failed.reason_code() == "Server.InternalError");
  CHECK(failed.reason_message() == "prepare failed: image sha256 mismatch");
  f.sync.Converge();
  f.sync.Converge();
  CHECK(f.artifacts.prepares == 1);
  CHECK(absl::IsNotFound(f.driver.Info("i-1").status()));

  CHECK(f.ConvergeTo(2, Desired("i-1", v1::DESIRED_ABSENT)).state() == v1::OBSERVED_ABSENT);
  CHECK(f.artifacts.released == std::vector<std::string>{"i-1"});
}

TEST_CASE("sync reports a guest-initiated shutdown as stopped and does not restart it") {
  // This test verifies that a guest that powers itself off while desired
  // running is reported STOPPED with Client.InstanceInitiatedShutdown and left
  // off, and that it starts again once the controller has recorded the stop
  // and asks for it to run again.
  Fixture f;
  REQUIRE(f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_RUNNING);
  REQUIRE(f.driver.GuestShutdown("i-1").ok());
  for (int i = 0; i < 2; ++i) {
    v1::ObservedInstance o = Only(f.sync.Converge());
    CHECK(o.state() == v1::OBSERVED_STOPPED);
    CHECK(o.reason_code() == "Client.InstanceInitiatedShutdown");
    CHECK(o.reason_message() == "Instance initiated shutdown");
    CHECK(f.State("i-1") == PowerState::kShutoff);
  }
  // Also after an agent restart.
  DesiredStateSync restarted(f.driver, f.artifacts, f.clock);
  restarted.SetDesired(Set(1, {Desired("i-1", v1::DESIRED_RUNNING)}));
  CHECK(Only(restarted.Converge()).state() == v1::OBSERVED_STOPPED);
  CHECK(f.State("i-1") == PowerState::kShutoff);

  CHECK(f.ConvergeTo(2, Desired("i-1", v1::DESIRED_STOPPED)).state() == v1::OBSERVED_STOPPED);
  CHECK(f.ConvergeTo(3, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_RUNNING);
  CHECK(f.State("i-1") == PowerState::kRunning);

  REQUIRE(f.driver.GuestCrash("i-1").ok());
  v1::ObservedInstance crashed = Only(f.sync.Converge());
  CHECK(crashed.state() == v1::OBSERVED_STOPPED);
  CHECK(crashed.reason_message() == "Instance crashed");
}

TEST_CASE("sync restarts a guest whose stop was cancelled before it went down") {
  // This test verifies that a guest stopped by the agent (not by itself) is
  // started again when the desired state returns to running mid-stop.
  Fixture f;
  REQUIRE(f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_RUNNING);
  f.driver.SetShutdownDelay(5000);
  CHECK(f.ConvergeTo(2, Desired("i-1", v1::DESIRED_STOPPED)).state() == v1::OBSERVED_STOPPING);
  CHECK(f.ConvergeTo(3, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_STOPPING);
  f.clock.Advance(5s);
  v1::ObservedInstance o = Only(f.sync.Converge());
  CHECK(o.state() == v1::OBSERVED_RUNNING);
  CHECK(o.reason_code().empty());
}

TEST_CASE("no artifacts fills the domain spec from the desired instance") {
  // This test verifies the translation NoArtifacts does for file-less drivers.
  NoArtifacts artifacts;
  v1::DesiredInstance d = Desired("i-1", v1::DESIRED_RUNNING);
  d.mutable_spec()->set_network("default");
  d.mutable_spec()->mutable_image()->set_image_id("ami-1");
  absl::StatusOr<DomainSpec> spec = artifacts.Prepare(d);
  REQUIRE(spec.ok());
  CHECK(spec->instance_id == "i-1");
  CHECK(spec->vcpus == 2);
  CHECK(spec->memory_mib == 1024);
  CHECK(spec->mac_address == "52:54:00:12:34:56");
  CHECK(spec->network == "default");
  CHECK(spec->disk_path.empty());
  CHECK(spec->metadata.at("hostname") == "web-1");
  CHECK(spec->metadata.at("image_id") == "ami-1");
  CHECK(absl::IsInvalidArgument(artifacts.Prepare(v1::DesiredInstance()).status()));
  CHECK(artifacts.Release("i-unknown").ok());
}

// Holds Prepare for chosen instances until the test opens their gate, as a
// long image download would; others pass straight through. Thread-safe.
class GatedArtifacts final : public InstanceArtifacts {
 public:
  void Close(const std::string& id) {
    std::lock_guard lock(mutex_);
    closed_.insert(id);
  }
  void Open(const std::string& id) {
    {
      std::lock_guard lock(mutex_);
      closed_.erase(id);
    }
    changed_.notify_all();
  }
  void OpenAll() {
    {
      std::lock_guard lock(mutex_);
      closed_.clear();
    }
    changed_.notify_all();
  }
  absl::StatusOr<DomainSpec> Prepare(const v1::DesiredInstance& desired) override {
    std::unique_lock lock(mutex_);
    ++prepares_;
    changed_.wait(lock, [&] { return !closed_.contains(desired.instance_id()); });
    return inner_.Prepare(desired);
  }
  absl::Status Release(const std::string& instance_id) override {
    std::lock_guard lock(mutex_);
    released_.push_back(instance_id);
    return absl::OkStatus();
  }
  std::vector<std::string> released() {
    std::lock_guard lock(mutex_);
    return released_;
  }
  int prepares() {
    std::lock_guard lock(mutex_);
    return prepares_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::set<std::string> closed_;
  std::vector<std::string> released_;
  int prepares_ = 0;
  NoArtifacts inner_;
};

struct BackgroundFixture {
  ManualClock clock;
  FakeDriver driver{clock};
  GatedArtifacts artifacts;
  DesiredStateSync sync{
      driver, artifacts, clock,
      DesiredStateSyncOptions{.stop_timeout = 60s, .prepare_in_background = true}};

  // A failed test must not leave the sync waiting for a Prepare held for ever.
  ~BackgroundFixture() { artifacts.OpenAll(); }

  PowerState State(const std::string& id) {
    absl::StatusOr<DomainInfo> info = driver.Info(id);
    REQUIRE(info.ok());
    return info->state;
  }

  // Converges until `id` is reported in `state` (the background Prepare
  // finishes on its own thread); fails after 5 s.
  v1::ObservedInstance ConvergeUntil(const std::string& id, v1::ObservedState state) {
    v1::ObservedInstance last;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      for (const v1::ObservedInstance& o : sync.Converge().all) {
        if (o.instance_id() == id) last = o;
      }
      if (last.state() == state) return last;
      std::this_thread::sleep_for(1ms);
    }
    FAIL("instance " << id << " did not reach state " << v1::ObservedState_Name(state));
    return last;
  }
};

TEST_CASE("sync reports building during a slow background prepare while others launch") {
  // This test verifies that with prepare_in_background an instance whose
  // files take long is reported BUILDING (and the pass asks to settle soon)
  // without holding up another instance, and is launched once Prepare ends.
  BackgroundFixture f;
  f.artifacts.Close("i-slow");
  f.sync.SetDesired(
      Set(1, {Desired("i-slow", v1::DESIRED_RUNNING), Desired("i-fast", v1::DESIRED_RUNNING)}));
  f.ConvergeUntil("i-fast", v1::OBSERVED_RUNNING);
  ConvergeResult result = f.sync.Converge();
  REQUIRE(result.all.size() == 2);
  CHECK(result.all[0].instance_id() == "i-slow");
  CHECK(result.all[0].state() == v1::OBSERVED_BUILDING);
  CHECK(result.settling);
  CHECK(absl::IsNotFound(f.driver.Info("i-slow").status()));

  f.artifacts.Open("i-slow");
  f.ConvergeUntil("i-slow", v1::OBSERVED_RUNNING);
  CHECK(f.State("i-slow") == PowerState::kRunning);
  CHECK(f.artifacts.prepares() == 2);
}

TEST_CASE("sync calls back when a background prepare ends and the next pass launches at once") {
  // This test verifies that the prepared callback runs once a background
  // Prepare has finished, and that the first Converge after it defines and
  // starts the instance (the agent converges on the callback instead of
  // waiting for its next settle pass).
  BackgroundFixture f;
  std::mutex mutex;
  std::condition_variable called;
  int calls = 0;
  f.sync.SetPreparedCallback([&] {
    std::lock_guard lock(mutex);
    ++calls;
    called.notify_all();
  });
  f.artifacts.Close("i-1");
  f.sync.SetDesired(Set(1, {Desired("i-1", v1::DESIRED_RUNNING)}));
  CHECK(Only(f.sync.Converge()).state() == v1::OBSERVED_BUILDING);
  f.artifacts.Open("i-1");
  {
    std::unique_lock lock(mutex);
    REQUIRE(called.wait_for(lock, 5s, [&] { return calls == 1; }));
  }
  CHECK(Only(f.sync.Converge()).state() == v1::OBSERVED_RUNNING);
  CHECK(f.State("i-1") == PowerState::kRunning);
  f.sync.SetPreparedCallback(nullptr);
}

TEST_CASE("sync terminates an instance whose background prepare is still running") {
  // This test verifies that desired ABSENT during a background Prepare waits
  // for it without blocking (still BUILDING), then releases the files once and
  // reports ABSENT without ever defining a domain.
  BackgroundFixture f;
  f.artifacts.Close("i-1");
  f.sync.SetDesired(Set(1, {Desired("i-1", v1::DESIRED_RUNNING)}));
  CHECK(Only(f.sync.Converge()).state() == v1::OBSERVED_BUILDING);
  f.sync.SetDesired(Set(2, {Desired("i-1", v1::DESIRED_ABSENT)}));
  CHECK(Only(f.sync.Converge()).state() == v1::OBSERVED_BUILDING);
  CHECK(f.artifacts.released().empty());

  f.artifacts.Open("i-1");
  f.ConvergeUntil("i-1", v1::OBSERVED_ABSENT);
  f.sync.Converge();
  CHECK(f.artifacts.released() == std::vector<std::string>{"i-1"});
  CHECK(absl::IsNotFound(f.driver.Info("i-1").status()));
  CHECK(f.artifacts.prepares() == 1);
}

TEST_CASE("sync releases the files of an instance dropped while its prepare ran") {
  // This test verifies that an instance leaving the desired set during its
  // background Prepare does not stall the pass, and that its files are
  // released once that Prepare ends.
  BackgroundFixture f;
  f.artifacts.Close("i-1");
  f.sync.SetDesired(Set(1, {Desired("i-1", v1::DESIRED_RUNNING)}));
  CHECK(Only(f.sync.Converge()).state() == v1::OBSERVED_BUILDING);
  f.sync.SetDesired(Set(2, {}));
  CHECK(f.sync.Converge().all.empty());
  CHECK(f.artifacts.released().empty());

  f.artifacts.Open("i-1");
  CHECK(gureum::testing::Eventually(
      [&] {
        f.sync.Converge();
        return f.artifacts.released() == std::vector<std::string>{"i-1"};
      },
      5s, 1ms));
  CHECK(absl::IsNotFound(f.driver.Info("i-1").status()));
}

namespace {

// A FakeDriver whose Start waits (up to a second) until `expected` starts are
// in flight at once, and records the most it saw: a serial caller sees one.
class RendezvousDriver final : public HypervisorDriver {
 public:
  RendezvousDriver(FakeDriver& inner, int expected) : inner_(inner), expected_(expected) {}

  absl::StatusOr<HostCapabilities> Capabilities() override { return inner_.Capabilities(); }
  absl::Status Define(const DomainSpec& spec) override { return inner_.Define(spec); }
  absl::Status Start(const std::string& instance_id) override {
    {
      std::unique_lock lock(mu_);
      ++in_flight_;
      most_in_flight_ = std::max(most_in_flight_, in_flight_);
      all_in_.notify_all();
      all_in_.wait_for(lock, 1s, [&] { return in_flight_ >= expected_; });
    }
    absl::Status started = inner_.Start(instance_id);
    std::lock_guard lock(mu_);
    --in_flight_;
    return started;
  }
  absl::Status Shutdown(const std::string& id) override { return inner_.Shutdown(id); }
  absl::Status PowerOff(const std::string& id) override { return inner_.PowerOff(id); }
  absl::Status Reboot(const std::string& id) override { return inner_.Reboot(id); }
  absl::Status Undefine(const std::string& id) override { return inner_.Undefine(id); }
  absl::Status SetMetadata(const std::string& id,
                           const std::map<std::string, std::string>& metadata) override {
    return inner_.SetMetadata(id, metadata);
  }
  absl::StatusOr<DomainInfo> Info(const std::string& id) override { return inner_.Info(id); }
  absl::StatusOr<std::vector<DomainInfo>> List() override { return inner_.List(); }
  absl::StatusOr<std::string> ConsoleOutput(const std::string& id, int64_t max_bytes) override {
    return inner_.ConsoleOutput(id, max_bytes);
  }

  int most_in_flight() {
    std::lock_guard lock(mu_);
    return most_in_flight_;
  }

 private:
  FakeDriver& inner_;
  const int expected_;
  std::mutex mu_;
  std::condition_variable all_in_;
  int in_flight_ = 0;       // guarded by mu_
  int most_in_flight_ = 0;  // guarded by mu_
};

}  // namespace

TEST_CASE("sync starts the instances of a batch in parallel, at most parallel_launches at once") {
  // This test verifies that one pass defines and starts new instances on
  // parallel_launches threads (a batch does not queue behind one QEMU start
  // after another), never more at once, and reports each one running.
  ManualClock clock;
  FakeDriver fake{clock};
  RendezvousDriver driver{fake, 3};
  CountingArtifacts artifacts;
  DesiredStateSync sync{driver, artifacts, clock, DesiredStateSyncOptions{.parallel_launches = 3}};
  std::vector<v1::DesiredInstance> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(Desired("i-" + std::to_string(i), v1::DESIRED_RUNNING));
  }
  sync.SetDesired(Set(1, batch));
  const auto start = std::chrono::steady_clock::now();
  ConvergeResult result = sync.Converge();
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(driver.most_in_flight() == 3);
  REQUIRE(result.all.size() == 5);
  for (int i = 0; i < 5; ++i) {
    CHECK(result.all[i].instance_id() == "i-" + std::to_string(i));
    CHECK(result.all[i].state() == v1::OBSERVED_RUNNING);
    CHECK(result.all[i].private_ip_address() == "10.0.0.5");
  }
  // Three met at once; the last two waited out the rendezvous side by side.
  CHECK(took < 2500ms);
}

TEST_CASE("sync finishes a start that lost the hypervisor connection after QEMU started paused") {
  // This test verifies that a Start that fails with a lost connection after
  // its first step (the guest left paused) is reported BUILDING with
  // Server.TransientError, never FAILED nor RUNNING, and that the retry
  // after the backoff resumes that same guest: it boots exactly once.
  Fixture f;
  f.driver.ResetConnectionDuringNextStart();
  v1::ObservedInstance o = f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING));
  CHECK(o.state() == v1::OBSERVED_BUILDING);
  CHECK(o.reason_code() == "Server.TransientError");
  CHECK(o.reason_message() ==
        "start failed: Cannot recv data: Connection reset by peer (attempt 1; retrying)");
  CHECK(f.State("i-1") == PowerState::kPaused);
  // Within the backoff nothing is tried again.
  CHECK(Only(f.sync.Converge()).state() == v1::OBSERVED_BUILDING);
  CHECK(f.State("i-1") == PowerState::kPaused);

  f.clock.Advance(1s);
  v1::ObservedInstance running = Only(f.sync.Converge());
  CHECK(running.state() == v1::OBSERVED_RUNNING);
  CHECK(running.reason_code().empty());
  CHECK(f.State("i-1") == PowerState::kRunning);
  const std::string console = f.driver.ConsoleOutput("i-1", 1 << 16).value();
  CHECK(Occurrences(console, "GUREUM-INSTANCE-ID=i-1") == 1);
}

TEST_CASE("a restarted agent resumes the guest its predecessor left paused mid-start") {
  // This test verifies the agent killed between the paused start and the
  // resume: a new sync finds the domain paused with the intent "starting",
  // finishes the start instead of calling the guest running, and the guest
  // boots once.
  Fixture f;
  f.driver.ResetConnectionDuringNextStart();
  REQUIRE(f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_BUILDING);
  REQUIRE(f.State("i-1") == PowerState::kPaused);

  DesiredStateSync restarted(f.driver, f.artifacts, f.clock);
  // Before the first desired set it only observes: paused, not running.
  v1::ObservedInstance observed = Only(restarted.Converge());
  CHECK(observed.state() == v1::OBSERVED_PAUSED);
  restarted.SetDesired(Set(1, {Desired("i-1", v1::DESIRED_RUNNING)}));
  CHECK(Only(restarted.Converge()).state() == v1::OBSERVED_RUNNING);
  CHECK(f.State("i-1") == PowerState::kRunning);
  CHECK(f.driver.Info("i-1")->metadata.at("power_intent") == "running");
  CHECK(Occurrences(f.driver.ConsoleOutput("i-1", 1 << 16).value(), "GUREUM-INSTANCE-ID=i-1") == 1);
}

TEST_CASE("a guest paused by someone else is reported paused and left paused") {
  // This test verifies that a running guest an operator paused is reported
  // PAUSED with Server.Paused and the hypervisor's reason, never RUNNING,
  // and that the sync does not resume it; a stop still powers it off.
  Fixture f;
  REQUIRE(f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_RUNNING);
  REQUIRE(f.driver.PauseByOperator("i-1").ok());
  for (int i = 0; i < 2; ++i) {
    v1::ObservedInstance o = Only(f.sync.Converge());
    CHECK(o.state() == v1::OBSERVED_PAUSED);
    CHECK(o.reason_code() == "Server.Paused");
    CHECK(o.reason_message() == "the guest is paused on its host (user)");
    CHECK(f.State("i-1") == PowerState::kPaused);
  }
  CHECK(f.ConvergeTo(2, Desired("i-1", v1::DESIRED_STOPPED)).state() == v1::OBSERVED_STOPPED);
  CHECK(f.State("i-1") == PowerState::kShutoff);
}

TEST_CASE("sync retries transient failures with backoff and never reports them as failed") {
  // This test verifies that a launch whose define keeps losing the
  // hypervisor connection is reported BUILDING with the error, that attempts
  // are spaced 1 s, then 2 s apart on the clock, and that the launch goes
  // through once the hypervisor answers again.
  Fixture f;
  f.driver.LoseConnectionOnNext("Define");
  v1::ObservedInstance o = f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING));
  CHECK(o.state() == v1::OBSERVED_BUILDING);
  CHECK(o.reason_code() == "Server.TransientError");
  CHECK(o.reason_message() ==
        "define failed: Cannot recv data: Connection reset by peer (attempt 1; retrying)");
  f.driver.LoseConnectionOnNext("Define");
  f.clock.Advance(999ms);
  CHECK(Only(f.sync.Converge()).reason_message().find("attempt 1;") != std::string::npos);
  f.clock.Advance(1ms);
  CHECK(Only(f.sync.Converge()).reason_message().find("attempt 2;") != std::string::npos);
  f.driver.LoseConnectionOnNext("Define");
  f.clock.Advance(1999ms);
  CHECK(Only(f.sync.Converge()).reason_message().find("attempt 2;") != std::string::npos);
  f.clock.Advance(1ms);
  CHECK(Only(f.sync.Converge()).reason_message().find("attempt 3;") != std::string::npos);
  CHECK(f.artifacts.prepares == 3);

  f.clock.Advance(4s);
  v1::ObservedInstance running = Only(f.sync.Converge());
  CHECK(running.state() == v1::OBSERVED_RUNNING);
  CHECK(running.reason_code().empty());
  CHECK(f.State("i-1") == PowerState::kRunning);
}

TEST_CASE("sync retries a stop and a terminate that lost the connection") {
  // This test verifies that transient failures of a shutdown and of an
  // undefine are reported STOPPING with the error and carried out after
  // the backoff, not reported FAILED; and that a pass whose listing fails
  // decides nothing.
  Fixture f;
  REQUIRE(f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING)).state() == v1::OBSERVED_RUNNING);
  f.driver.LoseConnectionOnNext("List");
  f.sync.SetDesired(Set(2, {Desired("i-1", v1::DESIRED_STOPPED)}));
  CHECK(Only(f.sync.Converge()).state() == v1::OBSERVED_RUNNING);
  CHECK(f.State("i-1") == PowerState::kRunning);

  f.driver.LoseConnectionOnNext("Shutdown");
  v1::ObservedInstance stopping = Only(f.sync.Converge());
  CHECK(stopping.state() == v1::OBSERVED_STOPPING);
  CHECK(stopping.reason_code() == "Server.TransientError");
  CHECK(stopping.reason_message() ==
        "shutdown failed: Cannot recv data: Connection reset by peer (attempt 1; retrying)");
  CHECK(f.State("i-1") == PowerState::kRunning);
  f.clock.Advance(1s);
  CHECK(Only(f.sync.Converge()).state() == v1::OBSERVED_STOPPED);

  f.driver.LoseConnectionOnNext("Undefine");
  v1::ObservedInstance terminating = f.ConvergeTo(3, Desired("i-1", v1::DESIRED_ABSENT));
  CHECK(terminating.state() == v1::OBSERVED_STOPPING);
  CHECK(terminating.reason_code() == "Server.TransientError");
  CHECK(f.driver.Info("i-1").ok());
  f.clock.Advance(1s);
  CHECK(Only(f.sync.Converge()).state() == v1::OBSERVED_ABSENT);
  CHECK(absl::IsNotFound(f.driver.Info("i-1").status()));
}

TEST_CASE("a controller that cannot be reached during an image download is retried") {
  // This test verifies that Prepare failing with Unavailable (the image
  // download lost the controller) is transient, while a corrupt image
  // (DataLoss) fails the launch at once.
  Fixture f;
  f.artifacts.fail_prepare = "blob download: controller unreachable";
  f.artifacts.fail_prepare_code = absl::StatusCode::kUnavailable;
  v1::ObservedInstance o = f.ConvergeTo(1, Desired("i-1", v1::DESIRED_RUNNING));
  CHECK(o.state() == v1::OBSERVED_BUILDING);
  CHECK(o.reason_code() == "Server.TransientError");
  f.artifacts.fail_prepare.clear();
  f.clock.Advance(1s);
  CHECK(Only(f.sync.Converge()).state() == v1::OBSERVED_RUNNING);
  CHECK(f.artifacts.prepares == 2);
}

}  // namespace gureum::agent
