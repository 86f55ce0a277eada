#include "controller/core/desired_set_builder.h"

#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "controller/core/instance_launcher.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::CoreHarness;

std::map<std::string, agent::v1::DesiredInstance> ById(const agent::v1::DesiredSet& set) {
  std::map<std::string, agent::v1::DesiredInstance> out;
  for (const auto& d : set.instances()) out[d.instance_id()] = d;
  return out;
}

}  // namespace

TEST_CASE("a host's desired set maps desired states to powers and carries each instance's spec") {
  // This test verifies that desired running, stopped and terminated become DESIRED_RUNNING,
  // DESIRED_STOPPED and DESIRED_ABSENT, that the spec carries the image reference, user data, SSH
  // key, MAC, hostname, private IP, network and sizes, and that terminated instances and other
  // hosts' instances are left out.
  CoreHarness h;
  const std::string host_a = h.AddHost("host-a", 8, 16384);
  const std::string host_b = h.AddHost("host-b", 8, 16384, 200, "az-2");
  const std::string image = h.AddImage();
  h.Must(h.store().Write([](Repositories& repos) {
    repos.key_pairs.Insert(KeyPairRecord{"key-00000001", "default", "laptop", "ed25519", "SHA256:x",
                                         "ssh-ed25519 AAAAlaptop", 1});
    return absl::OkStatus();
  }));
  InstanceLauncher& launcher = h.launcher();
  auto request = testing::RunRequest(image, "g1.medium", 4, 4);
  request.set_key_name("laptop");
  request.set_user_data(std::string("#!/bin/sh\n\0", 11));
  request.mutable_placement()->set_availability_zone("az-1");
  auto launched = launcher.Run(h.Ctx(), request);
  REQUIRE(launched.ok());
  std::vector<std::string> ids;
  for (const auto& i : launched->instances()) ids.push_back(i.instance_id());
  auto elsewhere_request = testing::RunRequest(image);
  elsewhere_request.mutable_placement()->set_availability_zone("az-2");
  auto elsewhere = launcher.Run(h.Ctx(), elsewhere_request);
  REQUIRE(elsewhere.ok());

  h.ForceState(ids[0], "running", "running", "10.0.0.8");
  h.ForceState(ids[1], "stopping", "stopped");
  h.Must(h.store().Write([&](Repositories& repos) {
    repos.instances.UpdateDesired(ids[1], "stopped", true);
    repos.instances.BumpRebootToken(ids[0]);
    return absl::OkStatus();
  }));
  h.ForceState(ids[2], "shutting-down", "terminated");
  h.ForceState(ids[3], "terminated", "terminated");

  DesiredSetBuilder builder(h.store(), "gureum-net");
  auto set = builder.Build(host_a);
  REQUIRE(set.ok());
  auto by_id = ById(*set);
  REQUIRE(by_id.size() == 3);
  CHECK(by_id.count(ids[3]) == 0);
  CHECK(by_id.count(elsewhere->instances(0).instance_id()) == 0);

  const auto& running = by_id[ids[0]];
  CHECK(running.power() == agent::v1::DESIRED_RUNNING);
  CHECK(running.reboot_token() == 1);
  CHECK_FALSE(running.force_stop());
  const auto& spec = running.spec();
  CHECK(spec.vcpus() == 2);
  CHECK(spec.memory_mib() == 4096);
  CHECK(spec.root_disk_gib() == 32);
  CHECK(spec.image().image_id() == image);
  CHECK(spec.image().disk_sha256() == std::string(64, 'a'));
  CHECK(spec.image().disk_format() == "qcow2");
  CHECK(spec.image().disk_size_bytes() == 4096);
  CHECK(spec.image().kernel_sha256() == std::string(64, 'b'));
  CHECK(spec.image().kernel_args() == "console=ttyS0");
  CHECK(spec.user_data() == request.user_data());
  REQUIRE(spec.ssh_public_keys_size() == 1);
  CHECK(spec.ssh_public_keys(0) == "ssh-ed25519 AAAAlaptop");
  CHECK(spec.hostname() == ids[0]);
  CHECK(spec.mac_address() == h.Instance(ids[0])->mac_address);
  CHECK(spec.private_ip_address() == "10.0.0.8");
  CHECK(spec.network() == "default");  // the instance's own network

  CHECK(by_id[ids[1]].power() == agent::v1::DESIRED_STOPPED);
  CHECK(by_id[ids[1]].force_stop());
  CHECK(by_id[ids[2]].power() == agent::v1::DESIRED_ABSENT);

  auto other = builder.Build(host_b);
  REQUIRE(other.ok());
  REQUIRE(other->instances_size() == 1);
  CHECK(other->instances(0).instance_id() == elsewhere->instances(0).instance_id());
  CHECK(other->instances(0).spec().ssh_public_keys_size() == 0);

  auto none = builder.Build("h-unknown");
  REQUIRE(none.ok());
  CHECK(none->instances_size() == 0);
}

}  // namespace gureum::controller
