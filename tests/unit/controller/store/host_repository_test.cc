#include "controller/store/host_repository.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {

using testing::MakeHost;

TEST_CASE("a host row survives the round trip and is found by id and by name") {
  // This test verifies that a host row reads back field by field by id and by name and hosts list
  // by name.
  testing::StoreFixture f;
  HostRecord in = MakeHost("h-0000000b", "host-b", "az-2");
  in.enabled = false;
  in.vcpus = 12;
  in.memory_mib = 65536;
  in.disk_gib = 900;
  in.virt_type = "qemu";
  in.hypervisor_type = "libvirt";
  in.agent_version = "0.1.0";
  in.registered_at = 111;
  in.last_heartbeat = 222;
  f.Run([&](Repositories& repos) {
    repos.hosts.Upsert(in);
    repos.hosts.Upsert(MakeHost("h-0000000a", "host-a"));
  });

  auto out = f.Get<std::optional<HostRecord>>(
      [](Repositories& repos) { return repos.hosts.Get("h-0000000b"); });
  REQUIRE(out.has_value());
  CHECK(out->name == "host-b");
  CHECK(out->state == "up");
  CHECK_FALSE(out->enabled);
  CHECK(out->hypervisor_type == "libvirt");
  CHECK(out->virt_type == "qemu");
  CHECK(out->vcpus == 12);
  CHECK(out->memory_mib == 65536);
  CHECK(out->disk_gib == 900);
  CHECK(out->availability_zone == "az-2");
  CHECK(out->agent_version == "0.1.0");
  CHECK(out->registered_at == 111);
  CHECK(out->last_heartbeat == 222);

  auto by_name = f.Get<std::optional<HostRecord>>(
      [](Repositories& repos) { return repos.hosts.GetByName("host-a"); });
  REQUIRE(by_name.has_value());
  CHECK(by_name->host_id == "h-0000000a");
  CHECK_FALSE(
      f.Get<bool>([](Repositories& repos) { return repos.hosts.Get("h-nope").has_value(); }));

  auto all = f.Get<std::vector<HostRecord>>([](Repositories& repos) { return repos.hosts.List(); });
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "host-a");
  CHECK(all[1].name == "host-b");
}

TEST_CASE("re-registering a host by name keeps its id, enabled flag and registration time") {
  // This test verifies that re-registering by name refreshes capacity and facts but keeps the id,
  // the enabled flag and the registration time.
  testing::StoreFixture f;
  f.Run([](Repositories& repos) {
    HostRecord first = MakeHost("h-00000001", "host-a");
    repos.hosts.Upsert(first);
    repos.hosts.SetEnabled("h-00000001", false, "maintenance");
    repos.hosts.SetState("h-00000001", "down");
  });
  HostRecord again = MakeHost("h-99999999", "host-a", "az-7");
  again.vcpus = 32;
  again.registered_at = 9999;
  again.last_heartbeat = 9999;
  HostRecord stored =
      f.WriteValue<HostRecord>([&](Repositories& repos) { return repos.hosts.Upsert(again); });
  CHECK(stored.host_id == "h-00000001");
  CHECK_FALSE(stored.enabled);
  CHECK(stored.state == "up");
  CHECK(stored.vcpus == 32);
  CHECK(stored.availability_zone == "az-7");
  CHECK(stored.registered_at == 1000);
  CHECK(stored.last_heartbeat == 9999);
  CHECK(f.Get<size_t>([](Repositories& repos) { return repos.hosts.List().size(); }) == 1);
}

TEST_CASE("host state, enabled flag and heartbeat updates are stored") {
  // This test verifies that SetState, SetEnabled and TouchHeartbeat are stored.
  testing::StoreFixture f;
  f.Run([](Repositories& repos) {
    repos.hosts.Upsert(MakeHost("h-00000001", "host-a"));
    repos.hosts.SetState("h-00000001", "down");
    repos.hosts.SetEnabled("h-00000001", false, "maintenance");
    repos.hosts.TouchHeartbeat("h-00000001", 4242);
  });
  auto h = *f.Get<std::optional<HostRecord>>(
      [](Repositories& repos) { return repos.hosts.Get("h-00000001"); });
  CHECK(h.state == "down");
  CHECK_FALSE(h.enabled);
  CHECK(h.last_heartbeat == 4242);
  f.Run([](Repositories& repos) { repos.hosts.SetEnabled("h-00000001", true, ""); });
  CHECK(f.Get<bool>([](Repositories& repos) { return repos.hosts.Get("h-00000001")->enabled; }));
}

}  // namespace gureum::controller
