#include "controller/store/event_repository.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

EventRecord MakeEvent(const std::string& resource_id, const std::string& type, int64_t time) {
  EventRecord e;
  e.time = time;
  e.request_id = "req-" + std::to_string(time);
  e.actor = "tester";
  e.project_id = "default";
  e.resource_type = "instance";
  e.resource_id = resource_id;
  e.type = type;
  e.message = type + " of " + resource_id;
  e.from_state = "pending";
  e.to_state = "running";
  return e;
}

}  // namespace

TEST_CASE("events are appended with rising sequence numbers and read back in order") {
  // This test verifies that events get rising sequence numbers and are listed after a sequence, by
  // resource and with a limit, and that LastSequence is the newest.
  testing::StoreFixture f;
  CHECK(f.Get<int64_t>([](Repositories& repos) { return repos.events.LastSequence(); }) == 0);
  std::vector<int64_t> seqs;
  f.Run([&](Repositories& repos) {
    seqs.push_back(repos.events.Append(MakeEvent("i-1", "a", 1)));
    seqs.push_back(repos.events.Append(MakeEvent("i-2", "b", 2)));
    seqs.push_back(repos.events.Append(MakeEvent("i-1", "c", 3)));
    seqs.push_back(repos.events.Append(MakeEvent("i-1", "d", 4)));
  });
  REQUIRE(seqs.size() == 4);
  CHECK(seqs[0] < seqs[1]);
  CHECK(seqs[1] < seqs[2]);
  CHECK(seqs[2] < seqs[3]);
  CHECK(f.Get<int64_t>([](Repositories& repos) { return repos.events.LastSequence(); }) == seqs[3]);

  auto types = [&](int64_t after, const std::string& resource, int limit) {
    std::string out;
    for (const auto& e : f.Get<std::vector<EventRecord>>(
             [&](Repositories& repos) { return repos.events.ListAfter(after, resource, limit); })) {
      out += e.type;
    }
    return out;
  };
  CHECK(types(0, "", 100) == "abcd");
  CHECK(types(0, "i-1", 100) == "acd");
  CHECK(types(seqs[0], "i-1", 100) == "cd");
  CHECK(types(0, "", 2) == "ab");
  CHECK(types(seqs[3], "", 100).empty());

  auto first = f.Get<std::vector<EventRecord>>(
      [](Repositories& repos) { return repos.events.ListAfter(0, "i-2", 1); });
  REQUIRE(first.size() == 1);
  const EventRecord& e = first[0];
  CHECK(e.seq == seqs[1]);
  CHECK(e.time == 2);
  CHECK(e.request_id == "req-2");
  CHECK(e.actor == "tester");
  CHECK(e.project_id == "default");
  CHECK(e.resource_type == "instance");
  CHECK(e.message == "b of i-2");
  CHECK(e.from_state == "pending");
  CHECK(e.to_state == "running");
}

}  // namespace gureum::controller
