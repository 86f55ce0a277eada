#include "controller/agents/desired_set_cache.h"

#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace gureum::controller {
namespace {

agent::v1::DesiredSet SetOf(const std::vector<std::pair<std::string, int64_t>>& entries) {
  agent::v1::DesiredSet set;
  for (const auto& [id, token] : entries) {
    auto* d = set.add_instances();
    d->set_instance_id(id);
    d->set_reboot_token(token);
  }
  return set;
}

std::vector<std::pair<std::string, int64_t>> Entries(const agent::v1::DesiredSet& set) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& d : set.instances()) out.emplace_back(d.instance_id(), d.reboot_token());
  return out;
}

using Expected = std::vector<std::pair<std::string, int64_t>>;

}  // namespace

TEST_CASE("a patch replaces changed entries in place, drops those that left and appends new ones") {
  // This test verifies the patch of a host's desired set: an entry read anew
  // replaces its instance's entry where it stands, a changed instance with no
  // entry (terminated) leaves the set, an entry for an instance the set lacks
  // goes last in the order read, and unchanged entries stay as they were.
  DesiredSetCache cache;
  CHECK_FALSE(cache.has_set());
  cache.Reset(SetOf({{"i-1", 0}, {"i-2", 0}, {"i-3", 0}, {"i-4", 0}}));
  REQUIRE(cache.has_set());

  cache.Patch({"i-2", "i-3", "i-5", "i-6"}, SetOf({{"i-2", 7}, {"i-5", 0}, {"i-6", 0}}));
  const agent::v1::DesiredSet sent = cache.Lend();
  CHECK(Entries(sent) == Expected{{"i-1", 0}, {"i-2", 7}, {"i-4", 0}, {"i-5", 0}, {"i-6", 0}});
}

TEST_CASE("a lent desired set is patched again only once it is returned") {
  // This test verifies the loan: while the set is out to be written the cache
  // has nothing to patch (a build then reads the whole set), and once the
  // write returns it the next patch applies to what was sent.
  DesiredSetCache cache;
  cache.Reset(SetOf({{"i-1", 0}, {"i-2", 0}}));
  agent::v1::DesiredSet out = cache.Lend();
  CHECK_FALSE(cache.has_set());
  out.set_generation(3);
  cache.Return(std::move(out));
  REQUIRE(cache.has_set());

  cache.Patch({"i-1"}, SetOf({}));
  CHECK(Entries(cache.Lend()) == Expected{{"i-2", 0}});

  cache.Reset(SetOf({{"i-9", 1}}));
  cache.Clear();
  CHECK_FALSE(cache.has_set());
}

}  // namespace gureum::controller
