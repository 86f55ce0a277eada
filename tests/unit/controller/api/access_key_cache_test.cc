#include "controller/api/access_key_cache.h"

#include <memory>

#include <catch2/catch.hpp>

namespace gureum::controller {
namespace {

std::shared_ptr<const AccessKeyCache::Entry> EntryOf(const std::string& key_id,
                                                     const std::string& status = "active") {
  auto entry = std::make_shared<AccessKeyCache::Entry>();
  entry->key.access_key_id = key_id;
  entry->key.user_name = "alice";
  entry->key.status = status;
  entry->user.user_name = "alice";
  entry->user.default_project = "default";
  entry->project_exists = true;
  return entry;
}

}  // namespace

TEST_CASE("a cached key is found for its project while the generation holds and the TTL runs") {
  // This test verifies that an entry is returned for the same key id,
  // project and generation within the TTL, and for nothing else.
  AccessKeyCache cache(5000, 100);
  cache.Insert("GK1", "", 7, 1000, EntryOf("GK1"));
  auto found = cache.Find("GK1", "", 7, 1000);
  REQUIRE(found != nullptr);
  CHECK(found->key.access_key_id == "GK1");
  CHECK(cache.Find("GK1", "other", 7, 1000) == nullptr);  // another project
  CHECK(cache.Find("GK2", "", 7, 1000) == nullptr);
  CHECK(cache.Find("GK1", "", 7, 5999) != nullptr);
  CHECK(cache.Find("GK1", "", 7, 6000) == nullptr);  // TTL over
  CHECK(cache.size() == 0);                          // and dropped
}

TEST_CASE("an identity change drops every cached key") {
  // This test verifies that the first lookup at a newer generation clears the
  // cache, so a key disabled by a committed write is read again.
  AccessKeyCache cache(5000, 100);
  cache.Insert("GK1", "", 7, 1000, EntryOf("GK1"));
  cache.Insert("GK2", "", 7, 1000, EntryOf("GK2"));
  CHECK(cache.Find("GK1", "", 8, 1001) == nullptr);
  CHECK(cache.size() == 0);
  CHECK(cache.Find("GK2", "", 8, 1001) == nullptr);
}

TEST_CASE("an entry loaded before a change is not kept as current") {
  // This test verifies that an Insert made with a generation older than one
  // the cache has seen is dropped (it may hold what the change replaced),
  // and that a lookup with an older generation does not clear newer entries.
  AccessKeyCache cache(5000, 100);
  cache.Insert("GK1", "", 8, 1000, EntryOf("GK1"));
  cache.Insert("GK2", "", 7, 1000, EntryOf("GK2", "active"));  // read before the change
  CHECK(cache.Find("GK2", "", 8, 1000) == nullptr);
  CHECK(cache.Find("GK1", "", 7, 1000) == nullptr);  // a stale caller only misses
  CHECK(cache.Find("GK1", "", 8, 1000) != nullptr);
}

TEST_CASE("the cache holds at most its capacity") {
  // This test verifies that inserting beyond the capacity starts over
  // rather than growing without bound.
  AccessKeyCache cache(5000, 3);
  for (int i = 0; i < 10; ++i) {
    cache.Insert("GK" + std::to_string(i), "", 1, 1000, EntryOf("GK" + std::to_string(i)));
    CHECK(cache.size() <= 3);
  }
  CHECK(cache.Find("GK9", "", 1, 1000) != nullptr);
}

}  // namespace gureum::controller
