#include "agent/images/image_cache_collector.h"

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "common/clock.h"
#include "tests/support/subprocess.h"
#include "tests/unit/agent_images/in_memory_blob_source.h"
#include "tests/unit/agent_images/test_files.h"

namespace gureum::agent {
namespace {

using testing::InMemoryBlobSource;
using testing::TempDir;
using namespace std::chrono_literals;

ImageCacheOptions Options(const TempDir& dir, std::chrono::milliseconds ttl) {
  ImageCacheOptions options;
  options.dir = dir / "cache";
  options.unused_ttl = ttl;
  return options;
}

TEST_CASE("the collector removes blobs unused for the TTL on its own and only those") {
  // This test verifies that the collector's thread runs garbage collection
  // periodically without being asked: a blob left unused past its TTL goes,
  // one still in use stays.
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  const std::string in_use = source.Add("in use");
  const std::string unused = source.Add("unused");
  ImageCache cache(Options(dir, 1h), &source, &clock);
  REQUIRE(cache.Open().ok());
  cache.Use(in_use, "i-1");
  REQUIRE(cache.Acquire(in_use).ok());
  REQUIRE(cache.Acquire(unused).ok());
  clock.Advance(2h);

  ImageCacheCollector collector(&cache, 10ms);
  CHECK(gureum::testing::Eventually([&] { return !cache.Contains(unused); }, 10s, 10ms));
  CHECK(cache.Contains(in_use));
  // The round that removed it counts itself just after: wait for that too.
  CHECK(gureum::testing::Eventually([&] { return collector.collections() >= 1; }, 10s, 10ms));
}

TEST_CASE("the collector collects on demand and stops promptly however long its period") {
  // This test verifies CollectNow's count and that destroying a collector
  // whose next round is an hour away does not wait for it.
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  const std::string sha = source.Add("old");
  ImageCache cache(Options(dir, 1min), &source, &clock);
  REQUIRE(cache.Open().ok());
  REQUIRE(cache.Acquire(sha).ok());

  const auto start = std::chrono::steady_clock::now();
  {
    ImageCacheCollector collector(&cache, 1h);
    CHECK(collector.CollectNow() == 0);  // not idle for a minute yet
    clock.Advance(2min);
    CHECK(collector.CollectNow() == 1);
    CHECK(collector.collections() == 2);
  }
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  CHECK_FALSE(cache.Contains(sha));
}

TEST_CASE("the collection period is a quarter of the TTL within a second and an hour") {
  // This test verifies the period chosen for the agent's --image-cache-ttl-s.
  CHECK(ImageCacheCollector::IntervalFor(24h) == 1h);
  CHECK(ImageCacheCollector::IntervalFor(1h) == 15min);
  CHECK(ImageCacheCollector::IntervalFor(2s) == 1s);
  CHECK(ImageCacheCollector::IntervalFor(0ms) == 1s);
}

}  // namespace
}  // namespace gureum::agent
