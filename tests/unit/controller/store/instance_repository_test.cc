#include "controller/store/instance_repository.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "controller/store/migrations.h"
#include "controller/store/store.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

using testing::MakeHost;

InstanceRecord MakeInstance(int n, const std::string& host_id, const std::string& state = "running",
                            const std::string& type = "g1.small") {
  char suffix[18];
  std::snprintf(suffix, sizeof suffix, "%017x", n);
  InstanceRecord r;
  r.instance_id = std::string("i-") + suffix;
  r.project_id = "default";
  r.reservation_id = "r-00000000000000001";
  r.launch_index = n;
  r.image_id = "ami-00000000000000001";
  r.instance_type = type;
  r.vcpus = 1;
  r.memory_mib = 2048;
  r.root_disk_gib = 16;
  r.host_id = host_id;
  r.availability_zone = "az-1";
  r.state = state;
  r.desired_state = state == "terminated" ? "terminated" : "running";
  char mac[18];
  std::snprintf(mac, sizeof mac, "52:54:00:00:%02x:%02x", (n >> 8) & 0xff, n & 0xff);
  r.mac_address = mac;
  r.launched_at = 1000 + n;
  r.state_changed_at = 1000 + n;
  return r;
}

// What ForEachListed passed of one row, copied out of its views.
struct Listed {
  int64_t seq = 0;
  std::string instance_id;
  TagList tags;
};

std::vector<Listed> ListRows(InstanceRepository& instances, const InstanceQuery& query) {
  std::vector<Listed> rows;
  std::map<std::string, size_t, std::less<>> index;
  instances.ForEachListed(
      query,
      [&](const ListedInstanceView& v) {
        index.emplace(std::string(v.instance_id), rows.size());
        rows.push_back({v.seq, std::string(v.instance_id), {}});
      },
      [&](std::string_view id, std::string_view key, std::string_view value) {
        rows.at(index.find(id)->second).tags.emplace_back(key, value);
      });
  return rows;
}

// A store with two hosts, for instance rows to point at.
class Fixture : public testing::StoreFixture {
 public:
  Fixture() {
    Run([](Repositories& repos) {
      repos.hosts.Upsert(MakeHost("h-0000000a", "host-a", "az-1"));
      HostRecord b = MakeHost("h-0000000b", "host-b", "az-2");
      b.state = "down";
      repos.hosts.Upsert(b);
    });
  }

  std::vector<std::string> Ids(const InstanceQuery& query) {
    return Get<std::vector<std::string>>([&](Repositories& repos) {
      std::vector<std::string> ids;
      for (const auto& r : ListRows(repos.instances, query)) ids.push_back(r.instance_id);
      return ids;
    });
  }
};

}  // namespace

TEST_CASE("an instance row survives the round trip with every field and its tags") {
  // This test verifies that Insert then Get returns what was written, joins
  // the host's name and state, keeps binary user data, and loads tags sorted.
  Fixture f;
  InstanceRecord in = MakeInstance(1, "h-0000000b", "pending");
  in.key_name = "laptop";
  in.public_key = "ssh-ed25519 AAAA";
  in.user_data = std::string("#!/bin/sh\0\x01\xff", 12);
  in.reason_code = "Client.UserInitiatedShutdown";
  in.reason_message = "User initiated shutdown";
  in.force_stop = true;
  in.reboot_token = 3;
  in.private_ip = "10.0.0.7";
  in.network = "default";
  in.client_token = "tok-1";
  in.tags = {{"Name", "web"}, {"env", "prod"}, {"Alpha", ""}};
  f.Run([&](Repositories& repos) { repos.instances.Insert(in); });

  auto out = f.Get<std::optional<InstanceRecord>>(
      [&](Repositories& repos) { return repos.instances.Get(in.instance_id); });
  REQUIRE(out.has_value());
  CHECK(out->seq > 0);
  CHECK(out->instance_id == in.instance_id);
  CHECK(out->project_id == "default");
  CHECK(out->reservation_id == in.reservation_id);
  CHECK(out->launch_index == 1);
  CHECK(out->image_id == in.image_id);
  CHECK(out->instance_type == "g1.small");
  CHECK(out->vcpus == 1);
  CHECK(out->memory_mib == 2048);
  CHECK(out->root_disk_gib == 16);
  CHECK(out->key_name == "laptop");
  CHECK(out->public_key == "ssh-ed25519 AAAA");
  CHECK(out->user_data == in.user_data);
  CHECK(out->host_id == "h-0000000b");
  CHECK(out->host_name == "host-b");
  CHECK(out->host_state == "down");
  CHECK(out->availability_zone == "az-1");
  CHECK(out->state == "pending");
  CHECK(out->reason_code == "Client.UserInitiatedShutdown");
  CHECK(out->reason_message == "User initiated shutdown");
  CHECK(out->desired_state == "running");
  CHECK(out->force_stop);
  CHECK(out->reboot_token == 3);
  CHECK(out->mac_address == in.mac_address);
  CHECK(out->private_ip == "10.0.0.7");
  CHECK(out->network == "default");
  CHECK(out->client_token == "tok-1");
  CHECK(out->launched_at == 1001);
  CHECK(out->state_changed_at == 1001);
  CHECK_FALSE(out->terminated_at.has_value());
  CHECK(out->tags == TagList{{"Alpha", ""}, {"Name", "web"}, {"env", "prod"}});

  auto missing = f.Get<bool>(
      [](Repositories& repos) { return repos.instances.Get("i-0123456789abcdef0").has_value(); });
  CHECK_FALSE(missing);
}

TEST_CASE("state, desired state, reboot token and private IP updates are stored") {
  // This test verifies that state, desired state, reboot token and private IP updates are stored,
  // with terminated_at set only on termination and an empty private IP stored as none.
  Fixture f;
  InstanceRecord in = MakeInstance(1, "h-0000000a");
  in.private_ip = "10.0.0.9";
  f.Run([&](Repositories& repos) {
    repos.instances.Insert(in);
    repos.instances.UpdateState(in.instance_id, "stopping", "Client.UserInitiatedShutdown", "bye",
                                5000);
    repos.instances.UpdateDesired(in.instance_id, "stopped", true);
    repos.instances.BumpRebootToken(in.instance_id);
    repos.instances.BumpRebootToken(in.instance_id);
  });
  auto r = *f.Get<std::optional<InstanceRecord>>(
      [&](Repositories& repos) { return repos.instances.Get(in.instance_id); });
  CHECK(r.state == "stopping");
  CHECK(r.reason_code == "Client.UserInitiatedShutdown");
  CHECK(r.reason_message == "bye");
  CHECK(r.state_changed_at == 5000);
  CHECK_FALSE(r.terminated_at.has_value());
  CHECK(r.desired_state == "stopped");
  CHECK(r.force_stop);
  CHECK(r.reboot_token == 2);

  f.Run([&](Repositories& repos) {
    repos.instances.UpdateState(in.instance_id, "terminated", "", "", 6000);
    repos.instances.SetPrivateIp(in.instance_id, "");
  });
  r = *f.Get<std::optional<InstanceRecord>>(
      [&](Repositories& repos) { return repos.instances.Get(in.instance_id); });
  CHECK(r.terminated_at == std::optional<int64_t>(6000));
  CHECK(r.private_ip.empty());
  CHECK(f.Get<std::vector<std::string>>([](Repositories& repos) {
           return repos.instances.PrivateIpsInUse("");
         }).empty());
}

TEST_CASE("listing instances honours every filter, alone and combined") {
  // This test verifies that the filters by state, type, tag:<key>, tag-key, host name, zone, ids
  // and project work alone and combined, values of one filter ORed and filters ANDed.
  Fixture f;
  std::vector<InstanceRecord> rows = {
      MakeInstance(1, "h-0000000a", "running", "g1.small"),
      MakeInstance(2, "h-0000000a", "stopped", "g1.large"),
      MakeInstance(3, "h-0000000b", "running", "g1.large"),
      MakeInstance(4, "h-0000000b", "pending", "g1.small"),
  };
  rows[0].tags = {{"env", "prod"}, {"Name", "web"}};
  rows[1].tags = {{"env", "dev"}};
  rows[2].tags = {{"Name", "db"}};
  rows[3].project_id = "other";
  f.Run([&](Repositories& repos) {
    for (const auto& r : rows) repos.instances.Insert(r);
  });
  auto id = [&](int n) { return rows[n - 1].instance_id; };
  using Ids = std::vector<std::string>;

  InstanceQuery all;
  CHECK(f.Ids(all) == Ids{id(1), id(2), id(3), id(4)});

  InstanceQuery q;
  q.filters["instance-state-name"] = {"running"};
  CHECK(f.Ids(q) == Ids{id(1), id(3)});
  q.filters["instance-state-name"] = {"running", "stopped"};
  CHECK(f.Ids(q) == Ids{id(1), id(2), id(3)});

  q = {};
  q.filters["instance-type"] = {"g1.large"};
  CHECK(f.Ids(q) == Ids{id(2), id(3)});

  q = {};
  q.filters["tag:env"] = {"prod"};
  CHECK(f.Ids(q) == Ids{id(1)});
  q.filters["tag:env"] = {"prod", "dev"};
  CHECK(f.Ids(q) == Ids{id(1), id(2)});
  q.filters["tag:env"] = {"web"};  // a value of another key does not match
  CHECK(f.Ids(q).empty());

  q = {};
  q.filters["tag-key"] = {"Name"};
  CHECK(f.Ids(q) == Ids{id(1), id(3)});

  q = {};
  q.filters["host-name"] = {"host-b"};
  CHECK(f.Ids(q) == Ids{id(3), id(4)});

  q = {};
  q.filters["host-name"] = {"host-b"};
  q.filters["instance-type"] = {"g1.large"};
  q.filters["tag-key"] = {"Name"};
  CHECK(f.Ids(q) == Ids{id(3)});

  q = {};
  q.project_id = "default";
  CHECK(f.Ids(q) == Ids{id(1), id(2), id(3)});
  q.project_id = "other";
  CHECK(f.Ids(q) == Ids{id(4)});

  q = {};
  q.instance_ids = {id(4), id(2)};
  CHECK(f.Ids(q) == Ids{id(2), id(4)});

  q = {};
  q.filters["availability-zone"] = {"az-9"};
  CHECK(f.Ids(q).empty());
}

TEST_CASE("a listed row shows every column a listing shows, as Get reads them") {
  // This test verifies that ForEachListed's view of a row (what DescribeInstances shows) has the
  // same values as the record Get reads, the host's name and state joined, for a row with every
  // listed field set; and that its tags come after the row, sorted by key.
  Fixture f;
  InstanceRecord in = MakeInstance(5, "h-0000000b", "stopped");
  in.key_name = "laptop";
  in.reason_code = "Client.UserInitiatedShutdown";
  in.reason_message = "User initiated shutdown";
  in.private_ip = "10.0.0.9";
  in.client_token = "tok-5";
  in.placement_group_id = "pg-00000000000000001";
  in.placement_group_name = "spread-1";
  in.tags = {{"b", "2"}, {"a", "1"}};
  f.Run([&](Repositories& repos) { repos.instances.Insert(in); });
  auto got = f.Get<std::optional<InstanceRecord>>(
      [&](Repositories& repos) { return repos.instances.Get(in.instance_id); });
  REQUIRE(got.has_value());
  CHECK(got->placement_group_id == "pg-00000000000000001");

  InstanceQuery q;
  q.instance_ids = {in.instance_id};
  f.Run([&](Repositories& repos) {
    int rows = 0;
    TagList tags;
    repos.instances.ForEachListed(
        q,
        [&](const ListedInstanceView& v) {
          ++rows;
          CHECK(tags.empty());
          CHECK(v.seq == got->seq);
          CHECK(v.instance_id == got->instance_id);
          CHECK(v.project_id == got->project_id);
          CHECK(v.reservation_id == got->reservation_id);
          CHECK(v.launch_index == 5);
          CHECK(v.image_id == got->image_id);
          CHECK(v.instance_type == got->instance_type);
          CHECK(v.vcpus == got->vcpus);
          CHECK(v.memory_mib == got->memory_mib);
          CHECK(v.root_disk_gib == got->root_disk_gib);
          CHECK(v.key_name == "laptop");
          CHECK(v.host_id == "h-0000000b");
          CHECK(v.host_name == "host-b");
          CHECK(v.host_state == "down");
          CHECK(v.availability_zone == got->availability_zone);
          CHECK(v.state == "stopped");
          CHECK(v.reason_code == "Client.UserInitiatedShutdown");
          CHECK(v.reason_message == "User initiated shutdown");
          CHECK(v.desired_state == got->desired_state);
          CHECK(v.mac_address == got->mac_address);
          CHECK(v.private_ip == "10.0.0.9");
          CHECK(v.client_token == "tok-5");
          CHECK(v.launched_at == got->launched_at);
          CHECK(v.state_changed_at == got->state_changed_at);
          CHECK(v.placement_group_name == "spread-1");
        },
        [&](std::string_view id, std::string_view key, std::string_view value) {
          CHECK(id == in.instance_id);
          tags.emplace_back(key, value);
        });
    CHECK(rows == 1);
    CHECK(tags == TagList{{"a", "1"}, {"b", "2"}});
  });
}

TEST_CASE("listing by after_seq and limit pages through every instance exactly once") {
  // This test verifies that pages by after_seq and limit come in seq order and together cover every
  // instance exactly once.
  Fixture f;
  std::vector<std::string> expected;
  f.Run([&](Repositories& repos) {
    for (int n = 1; n <= 7; ++n) {
      InstanceRecord r = MakeInstance(n, n % 2 ? "h-0000000a" : "h-0000000b");
      repos.instances.Insert(r);
      expected.push_back(r.instance_id);
    }
  });
  std::vector<std::string> seen;
  std::vector<size_t> page_sizes;
  InstanceQuery q;
  q.limit = 3;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = f.Get<std::vector<Listed>>(
        [&](Repositories& repos) { return ListRows(repos.instances, q); });
    if (page.empty()) break;
    page_sizes.push_back(page.size());
    for (const auto& r : page) seen.push_back(r.instance_id);
    q.after_seq = page.back().seq;
  }
  CHECK(page_sizes == std::vector<size_t>{3, 3, 1});
  CHECK(seen == expected);
}

TEST_CASE("a listed page carries every instance's own tags, across tag batches") {
  // This test verifies that ForEachListed passes each row's tags, sorted by key, for
  // pages larger than one tag query's batch of 100, and that instances
  // without tags get none of their neighbours'.
  Fixture f;
  std::vector<InstanceRecord> rows;
  for (int n = 1; n <= 250; ++n) {
    InstanceRecord r = MakeInstance(n, "h-0000000a");
    if (n % 3 != 0) r.tags = {{"n", std::to_string(n)}, {"Name", "vm-" + std::to_string(n)}};
    rows.push_back(r);
  }
  f.Run([&](Repositories& repos) {
    for (const auto& r : rows) repos.instances.Insert(r);
  });
  InstanceQuery q;
  q.limit = 1000;
  auto listed =
      f.Get<std::vector<Listed>>([&](Repositories& repos) { return ListRows(repos.instances, q); });
  REQUIRE(listed.size() == rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const int n = static_cast<int>(i + 1);
    INFO("instance " << n);
    CHECK(listed[i].instance_id == rows[i].instance_id);
    if (n % 3 == 0) {
      CHECK(listed[i].tags.empty());
    } else {
      CHECK(listed[i].tags ==
            TagList{{"Name", "vm-" + std::to_string(n)}, {"n", std::to_string(n)}});
    }
  }
}

TEST_CASE("an instance's reservation and its MAC are found by index, not by reading every row") {
  // This test verifies that what every RunInstances does against a store
  // that already holds many instances (reading its reservation back,
  // checking each new MAC) reads an index: a scan of all instances made each
  // launch cost grow with the store (docs/benchmarks.md). The work is
  // counted in SQLite's virtual-machine steps, at least one per row read.
  Database db(":memory:");
  REQUIRE(Migrate(db).ok());
  HostRepository hosts(db);
  InstanceRepository instances(db);
  hosts.Upsert(MakeHost("h-0000000a", "host-a", "az-1"));
  constexpr int kInstances = 3000;
  for (int n = 1; n <= kInstances; ++n) {
    InstanceRecord r = MakeInstance(n, "h-0000000a");
    r.reservation_id = n == kInstances ? "r-00000000000000002" : "r-00000000000000001";
    instances.Insert(r);
  }
  InstanceQuery query;
  query.filters["reservation-id"] = {"r-00000000000000002"};
  db.TakeVmSteps();
  const auto listed = ListRows(instances, query);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].instance_id == MakeInstance(kInstances, "h-0000000a").instance_id);
  const int64_t list_steps = db.TakeVmSteps();
  CHECK(list_steps < kInstances / 3);
  CHECK_FALSE(instances.MacInUse("52:54:00:ff:ff:ff"));
  CHECK(db.TakeVmSteps() < 100);
}

TEST_CASE("allocation by host sums what every non-terminated instance holds") {
  // This test verifies that AllocationByHost and the counting helpers ignore terminated instances
  // and keep hosts apart.
  Fixture f;
  f.Run([&](Repositories& repos) {
    InstanceRecord a1 = MakeInstance(1, "h-0000000a", "running");
    InstanceRecord a2 = MakeInstance(2, "h-0000000a", "stopped", "g1.large");
    a2.vcpus = 2;
    a2.memory_mib = 8192;
    a2.root_disk_gib = 64;
    InstanceRecord a3 = MakeInstance(3, "h-0000000a", "terminated");
    InstanceRecord b1 = MakeInstance(4, "h-0000000b", "shutting-down");
    for (const auto& r : {a1, a2, a3, b1}) repos.instances.Insert(r);
  });
  auto allocation = f.Get<std::unordered_map<std::string, HostAllocation>>(
      [](Repositories& repos) { return repos.instances.AllocationByHost(); });
  REQUIRE(allocation.size() == 2);
  const HostAllocation& a = allocation["h-0000000a"];
  CHECK(a.vcpus == 3);
  CHECK(a.memory_mib == 2048 + 8192);
  CHECK(a.disk_gib == 16 + 64);
  CHECK(a.instance_count == 2);
  const HostAllocation& b = allocation["h-0000000b"];
  CHECK(b.vcpus == 1);
  CHECK(b.instance_count == 1);

  CHECK(f.Get<int>([](Repositories& repos) {
    return repos.instances.CountActiveUsingImage("ami-00000000000000001");
  }) == 3);
  CHECK(f.Get<int>([](Repositories& repos) {
    return repos.instances.CountActiveOfType("g1.large");
  }) == 1);
  struct Desired {
    std::string instance_id, desired_state, mac_address;
    int vcpus;
    int64_t memory_mib;
  };
  auto active_on_a = f.Get<std::vector<Desired>>([](Repositories& repos) {
    std::vector<Desired> out;
    repos.instances.ForEachDesiredOnHost("h-0000000a", [&out](const DesiredInstanceView& v) {
      out.push_back({std::string(v.instance_id), std::string(v.desired_state),
                     std::string(v.mac_address), v.vcpus, v.memory_mib});
    });
    return out;
  });
  REQUIRE(active_on_a.size() == 2);
  const InstanceRecord a1 = MakeInstance(1, "h-0000000a");
  CHECK(active_on_a[0].instance_id == a1.instance_id);
  CHECK(active_on_a[0].desired_state == a1.desired_state);
  CHECK(active_on_a[0].mac_address == a1.mac_address);
  CHECK(active_on_a[0].vcpus == 1);
  CHECK(active_on_a[1].instance_id == MakeInstance(2, "h-0000000a").instance_id);
  CHECK(active_on_a[1].vcpus == 2);
  CHECK(active_on_a[1].memory_mib == 8192);
  CHECK(f.Get<bool>(
      [](Repositories& repos) { return repos.instances.MacInUse("52:54:00:00:00:03"); }));
  CHECK_FALSE(f.Get<bool>(
      [](Repositories& repos) { return repos.instances.MacInUse("52:54:00:00:00:09"); }));
}

TEST_CASE("purging removes only instances terminated before the cutoff, with their tags") {
  // This test verifies that instances terminated before the cutoff are deleted with their tags (by
  // cascade) while recent terminated and live instances stay.
  Fixture f;
  InstanceRecord old_terminated = MakeInstance(1, "h-0000000a", "running");
  old_terminated.tags = {{"Name", "old"}};
  InstanceRecord new_terminated = MakeInstance(2, "h-0000000a", "running");
  InstanceRecord old_running = MakeInstance(3, "h-0000000a", "running");
  f.Run([&](Repositories& repos) {
    for (const auto& r : {old_terminated, new_terminated, old_running}) repos.instances.Insert(r);
    repos.instances.UpdateState(old_terminated.instance_id, "terminated", "", "", 1000);
    repos.instances.UpdateState(new_terminated.instance_id, "terminated", "", "", 5000);
  });
  int purged = f.WriteValue<int>(
      [](Repositories& repos) { return repos.instances.PurgeTerminatedBefore(5000); });
  CHECK(purged == 1);
  InstanceQuery all;
  CHECK(f.Ids(all) ==
        std::vector<std::string>{new_terminated.instance_id, old_running.instance_id});
  InstanceQuery by_tag;
  by_tag.filters["tag-key"] = {"Name"};
  CHECK(f.Ids(by_tag).empty());
  // The tag row itself is gone (cascade), not just hidden by the join.
  Database raw(f.path());
  Statement count = raw.Prepare("SELECT COUNT(*) FROM instance_tags WHERE instance_id = ?");
  REQUIRE(count.Bind(1, old_terminated.instance_id).Step());
  CHECK(count.Int(0) == 0);
}

}  // namespace gureum::controller
