#include "agent/controller_link.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <catch2/catch.hpp>

#include "agent/hypervisor/fake/fake_driver.h"
#include "agent/sync/no_artifacts.h"
#include "gureum/agent/v1/agent.grpc.pb.h"

namespace gureum::agent {
namespace {

using namespace std::chrono_literals;

// An in-process AgentController: welcomes the agent, sends the desired set it
// holds, and records everything the agent says. Thread-safe.
class TestController final : public v1::AgentController::Service {
 public:
  explicit TestController(v1::DesiredSet desired) : desired_(std::move(desired)) {}

  grpc::Status Connect(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ControllerMessage, v1::AgentMessage>* stream) override {
    v1::AgentMessage first;
    if (!stream->Read(&first) || !first.has_register_()) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "Register expected first");
    }
    {
      std::lock_guard lock(mutex_);
      seen_.registers.push_back(first.register_());
      for (const auto& o : first.register_().instances()) seen_.observed[o.instance_id()] = o;
      stream_ = stream;
    }
    changed_.notify_all();
    v1::ControllerMessage welcome;
    welcome.mutable_welcome()->set_host_id("h-test");
    welcome.mutable_welcome()->set_heartbeat_interval_ms(50);
    Send(welcome);
    v1::ControllerMessage desired;
    {
      std::lock_guard lock(mutex_);
      *desired.mutable_desired() = desired_;
    }
    Send(desired);

    v1::AgentMessage message;
    while (stream->Read(&message)) {
      std::lock_guard lock(mutex_);
      if (message.has_report()) {
        ++seen_.reports;
        for (const auto& o : message.report().instances()) seen_.observed[o.instance_id()] = o;
      } else if (message.has_heartbeat()) {
        seen_.last_applied_generation = message.heartbeat().applied_generation();
        ++seen_.heartbeats;
      } else if (message.has_console_reply()) {
        seen_.console_replies[message.console_reply().request_id()] = message.console_reply();
      }
      changed_.notify_all();
    }
    std::lock_guard lock(mutex_);
    stream_ = nullptr;
    return grpc::Status::OK;
  }

  // Sends to the connected agent; false if none.
  bool Send(const v1::ControllerMessage& message) {
    std::lock_guard lock(write_mutex_);
    grpc::ServerReaderWriter<v1::ControllerMessage, v1::AgentMessage>* stream;
    {
      std::lock_guard state_lock(mutex_);
      stream = stream_;
    }
    return stream != nullptr && stream->Write(message);
  }

  // Everything the agent said so far.
  struct Seen {
    std::vector<v1::Register> registers;
    std::map<std::string, v1::ObservedInstance> observed;  // latest per instance
    std::map<std::string, v1::ConsoleReply> console_replies;
    int reports = 0;
    int heartbeats = 0;
    int64_t last_applied_generation = -1;

    v1::ObservedState StateOf(const std::string& id) const {
      auto it = observed.find(id);
      return it == observed.end() ? v1::OBSERVED_STATE_UNSPECIFIED : it->second.state();
    }
  };

  // Waits (up to 5 s) until `done` holds and returns what was seen then; the
  // caller REQUIREs `done(result)`.
  Seen WaitUntil(const std::function<bool(const Seen&)>& done) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 5s, [&] { return done(seen_); });
    return seen_;
  }

 private:
  Seen seen_;  // guarded by mutex_
  std::mutex mutex_;
  std::condition_variable changed_;
  std::mutex write_mutex_;  // one writer at a time on the stream
  v1::DesiredSet desired_;
  grpc::ServerReaderWriter<v1::ControllerMessage, v1::AgentMessage>* stream_ = nullptr;
};

std::unique_ptr<grpc::Server> Serve(TestController& controller, const std::string& address,
                                    int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), port);
  builder.RegisterService(&controller);
  return builder.BuildAndStart();
}

v1::DesiredSet OneRunning(int64_t generation) {
  v1::DesiredSet set;
  set.set_generation(generation);
  v1::DesiredInstance* d = set.add_instances();
  d->set_instance_id("i-1");
  d->set_power(v1::DESIRED_RUNNING);
  d->mutable_spec()->set_vcpus(1);
  d->mutable_spec()->set_memory_mib(256);
  return set;
}

struct Agent {
  ManualClock clock;
  FakeDriver driver{clock};
  NoArtifacts artifacts;
  DesiredStateSync sync{driver, artifacts, clock};
  std::unique_ptr<ControllerLink> link;

  explicit Agent(int port, std::chrono::milliseconds resync_interval = 100ms) {
    ControllerLinkOptions options;
    options.controller_address = "127.0.0.1:" + std::to_string(port);
    options.host_name = "host-a";
    options.availability_zone = "zone-b";
    options.agent_version = "test";
    options.vcpus = 32;
    options.resync_interval = resync_interval;
    options.initial_backoff = 20ms;
    options.max_backoff = 100ms;
    link = std::make_unique<ControllerLink>(options, driver, sync);
    link->Start();
  }
};

}  // namespace

TEST_CASE("agent registers, converges the desired set and reports the instance running") {
  // This test verifies the whole session: Register with capabilities and
  // overrides, Welcome, desired set converged on the driver, RUNNING reported,
  // and heartbeats carrying the applied generation.
  using Seen = TestController::Seen;
  TestController controller(OneRunning(5));
  int port = 0;
  std::unique_ptr<grpc::Server> server = Serve(controller, "127.0.0.1:0", &port);
  REQUIRE(server);
  Agent agent(port);

  Seen seen = controller.WaitUntil([](const Seen& s) { return !s.registers.empty(); });
  REQUIRE(seen.registers.size() == 1);
  const v1::Register& r = seen.registers.front();
  CHECK(r.host_name() == "host-a");
  CHECK(r.availability_zone() == "zone-b");
  CHECK(r.agent_version() == "test");
  CHECK(r.vcpus() == 32);          // overridden
  CHECK(r.memory_mib() == 16384);  // the driver's
  CHECK(r.hypervisor_type() == "fake");
  CHECK(r.virt_type() == "fake");
  CHECK(r.instances_size() == 0);

  seen =
      controller.WaitUntil([](const Seen& s) { return s.StateOf("i-1") == v1::OBSERVED_RUNNING; });
  REQUIRE(seen.StateOf("i-1") == v1::OBSERVED_RUNNING);
  CHECK(seen.reports >= 1);
  seen = controller.WaitUntil(
      [](const Seen& s) { return s.last_applied_generation == 5 && s.heartbeats >= 3; });
  CHECK(seen.last_applied_generation == 5);
  CHECK(seen.heartbeats >= 3);
  CHECK(agent.driver.Info("i-1")->state == PowerState::kRunning);
  CHECK(agent.link->connected());
  CHECK(agent.link->host_id() == "h-test");

  // A guest that changes by itself is noticed at the next resync.
  REQUIRE(agent.driver.GuestShutdown("i-1").ok());
  seen =
      controller.WaitUntil([](const Seen& s) { return s.StateOf("i-1") == v1::OBSERVED_STOPPED; });
  REQUIRE(seen.StateOf("i-1") == v1::OBSERVED_STOPPED);
  CHECK(seen.observed.at("i-1").reason_code() == "Client.InstanceInitiatedShutdown");

  agent.link->Stop();
  server->Shutdown(std::chrono::system_clock::now());
}

TEST_CASE("a nudge reports a guest that changed by itself without waiting for the resync") {
  // This test verifies that Nudge (what a hypervisor event calls) makes the
  // agent converge and report at once, with a resync interval of an hour.
  using Seen = TestController::Seen;
  TestController controller(OneRunning(1));
  int port = 0;
  std::unique_ptr<grpc::Server> server = Serve(controller, "127.0.0.1:0", &port);
  REQUIRE(server);
  Agent agent(port, std::chrono::hours(1));
  Seen seen =
      controller.WaitUntil([](const Seen& s) { return s.StateOf("i-1") == v1::OBSERVED_RUNNING; });
  REQUIRE(seen.StateOf("i-1") == v1::OBSERVED_RUNNING);

  REQUIRE(agent.driver.GuestShutdown("i-1").ok());
  agent.link->Nudge();
  seen =
      controller.WaitUntil([](const Seen& s) { return s.StateOf("i-1") == v1::OBSERVED_STOPPED; });
  CHECK(seen.StateOf("i-1") == v1::OBSERVED_STOPPED);

  agent.link->Stop();
  server->Shutdown(std::chrono::system_clock::now());
}

TEST_CASE("agent answers a console request with the guest's console") {
  // This test verifies that a ConsoleRequest is answered with the tail of the
  // domain's console, and one for an unknown instance with an error.
  using Seen = TestController::Seen;
  TestController controller(OneRunning(1));
  int port = 0;
  std::unique_ptr<grpc::Server> server = Serve(controller, "127.0.0.1:0", &port);
  REQUIRE(server);
  Agent agent(port);
  Seen seen =
      controller.WaitUntil([](const Seen& s) { return s.StateOf("i-1") == v1::OBSERVED_RUNNING; });
  REQUIRE(seen.StateOf("i-1") == v1::OBSERVED_RUNNING);

  v1::ControllerMessage request;
  request.mutable_console_request()->set_request_id("req-1");
  request.mutable_console_request()->set_instance_id("i-1");
  REQUIRE(controller.Send(request));
  request.mutable_console_request()->set_request_id("req-2");
  request.mutable_console_request()->set_instance_id("i-none");
  REQUIRE(controller.Send(request));
  seen = controller.WaitUntil([](const Seen& s) { return s.console_replies.size() == 2; });
  REQUIRE(seen.console_replies.size() == 2);

  const v1::ConsoleReply& ok = seen.console_replies.at("req-1");
  CHECK(ok.instance_id() == "i-1");
  CHECK(ok.error().empty());
  CHECK(ok.output().find("GUREUM-INSTANCE-ID=i-1") != std::string::npos);
  CHECK(ok.output() == agent.driver.ConsoleOutput("i-1", 65536).value());
  const v1::ConsoleReply& missing = seen.console_replies.at("req-2");
  CHECK(missing.output().empty());
  CHECK(missing.error().find("NOT_FOUND") != std::string::npos);

  agent.link->Stop();
  server->Shutdown(std::chrono::system_clock::now());
}

TEST_CASE("agent reconnects to a restarted controller and reports its full observed set") {
  // This test verifies that when the stream breaks the agent dials again,
  // registers anew with everything it observes (including what changed while
  // it was disconnected), and converges the new controller's desired set.
  using Seen = TestController::Seen;
  auto first = std::make_unique<TestController>(OneRunning(1));
  int port = 0;
  std::unique_ptr<grpc::Server> server = Serve(*first, "127.0.0.1:0", &port);
  REQUIRE(server);
  Agent agent(port);
  Seen seen =
      first->WaitUntil([](const Seen& s) { return s.StateOf("i-1") == v1::OBSERVED_RUNNING; });
  REQUIRE(seen.StateOf("i-1") == v1::OBSERVED_RUNNING);

  server->Shutdown(std::chrono::system_clock::now());
  server.reset();
  for (int i = 0; i < 500 && agent.link->connected(); ++i) std::this_thread::sleep_for(10ms);
  REQUIRE_FALSE(agent.link->connected());
  // The guest powers off while the controller is away.
  REQUIRE(agent.driver.GuestShutdown("i-1").ok());

  TestController second(OneRunning(2));
  int same_port = 0;
  server = Serve(second, "127.0.0.1:" + std::to_string(port), &same_port);
  REQUIRE(server);
  REQUIRE(same_port == port);
  seen = second.WaitUntil([](const Seen& s) { return s.last_applied_generation == 2; });
  REQUIRE(seen.registers.size() == 1);
  const v1::Register& r = seen.registers.front();
  REQUIRE(r.instances_size() == 1);
  CHECK(r.instances(0).instance_id() == "i-1");
  CHECK(r.instances(0).state() == v1::OBSERVED_STOPPED);
  CHECK(r.instances(0).reason_code() == "Client.InstanceInitiatedShutdown");
  CHECK(seen.last_applied_generation == 2);
  CHECK(agent.link->welcomed_sessions() == 2);
  CHECK(agent.link->connected());

  agent.link->Stop();
  server->Shutdown(std::chrono::system_clock::now());
}

}  // namespace gureum::agent
