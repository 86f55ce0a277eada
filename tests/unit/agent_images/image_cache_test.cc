#include "agent/images/image_cache.h"

#include <sys/stat.h>

#include <chrono>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "common/clock.h"
#include "common/sha256.h"
#include "tests/unit/agent_images/in_memory_blob_source.h"
#include "tests/unit/agent_images/test_files.h"

namespace gureum::agent {
namespace {

using testing::InMemoryBlobSource;
using testing::ListDir;
using testing::PatternBytes;
using testing::ReadFile;
using testing::TempDir;
using namespace std::chrono_literals;

ImageCacheOptions Options(const TempDir& dir, std::chrono::milliseconds ttl = 1h) {
  ImageCacheOptions options;
  options.dir = dir / "cache";
  options.unused_ttl = ttl;
  return options;
}

TEST_CASE("image cache stores a verified blob under its sha256, read-only, and fetches it once") {
  // This test verifies that a downloaded blob lands at <dir>/<sha256> with the
  // right bytes and mode 0444, and that later acquires are served locally.
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  const std::string content = PatternBytes(10'000);
  const std::string sha = source.Add(content);
  ImageCache cache(Options(dir), &source, &clock);
  REQUIRE(cache.Open().ok());

  absl::StatusOr<std::string> path = cache.Acquire(sha, static_cast<int64_t>(content.size()));
  REQUIRE(path.ok());
  CHECK(*path == dir / "cache/" + sha);
  CHECK(ReadFile(*path) == content);
  struct stat st {};
  REQUIRE(stat(path->c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0444);
  CHECK(ListDir(dir / "cache") == std::set<std::string>{sha});

  REQUIRE(cache.Acquire(sha).ok());
  CHECK(source.fetches() == 1);
  CHECK(cache.Contains(sha));
  CHECK(cache.GetStats().bytes == 10'000);
}

TEST_CASE("image cache rejects a blob whose sha256 does not match and keeps nothing") {
  // This test verifies that content whose digest differs from its name is an
  // error naming both digests, and that no file is left in the cache.
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  const std::string wanted = Sha256Hex("the real image");
  const std::string served = "a tampered image";
  source.Put(wanted, served);
  ImageCache cache(Options(dir), &source, &clock);
  REQUIRE(cache.Open().ok());

  absl::StatusOr<std::string> path = cache.Acquire(wanted, static_cast<int64_t>(served.size()));
  REQUIRE(absl::IsDataLoss(path.status()));
  CHECK(std::string(path.status().message()) ==
        "image sha256 mismatch: expected " + wanted + " got " + Sha256Hex(served));
  CHECK(ListDir(dir / "cache").empty());
  CHECK_FALSE(cache.Contains(wanted));
  CHECK(cache.GetStats().downloads_failed == 1);
}

TEST_CASE("image cache rejects a truncated download and keeps nothing") {
  // This test verifies that a transfer that ends early is reported with the
  // expected and actual sizes and leaves no partial file behind.
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  const std::string content = PatternBytes(9'000);
  const std::string sha = Sha256Hex(content);
  source.Put(sha, content.substr(0, 5'000));
  ImageCache cache(Options(dir), &source, &clock);
  REQUIRE(cache.Open().ok());

  absl::StatusOr<std::string> path = cache.Acquire(sha, 9'000);
  REQUIRE(absl::IsDataLoss(path.status()));
  CHECK(std::string(path.status().message()) ==
        "image blob " + sha + " is truncated: expected 9000 bytes, got 5000");
  CHECK(ListDir(dir / "cache").empty());
}

TEST_CASE("image cache rejects a blob larger than its expected size") {
  // This test verifies that a source sending more bytes than announced is cut
  // off and nothing is kept.
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  const std::string content = PatternBytes(9'000);
  const std::string sha = source.Add(content);
  ImageCache cache(Options(dir), &source, &clock);
  REQUIRE(cache.Open().ok());

  absl::StatusOr<std::string> path = cache.Acquire(sha, 4'000);
  REQUIRE(absl::IsDataLoss(path.status()));
  CHECK(std::string(path.status().message()).find("larger than the expected 4000 bytes") !=
        std::string::npos);
  CHECK(ListDir(dir / "cache").empty());
}

TEST_CASE("image cache refuses a malformed sha256 without asking the source") {
  // This test verifies that names which are not 64 lowercase hex digits (and
  // could escape the cache directory) are refused up front.
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  ImageCache cache(Options(dir), &source, &clock);
  REQUIRE(cache.Open().ok());

  for (const std::string& bad : {std::string("../../etc/passwd"), std::string(64, 'A'),
                                 std::string(63, 'a'), std::string()}) {
    CHECK(absl::IsInvalidArgument(cache.Acquire(bad).status()));
  }
  CHECK(source.fetches() == 0);
}

TEST_CASE("image cache resumes a broken transfer from where it stopped") {
  // This test verifies that when the connection breaks mid-blob the cache asks
  // for the rest from the current offset and still verifies the whole blob.
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  const std::string content = PatternBytes(25'000);
  const std::string sha = source.Add(content);
  source.BreakEachFetchAfter(10'000);
  ImageCacheOptions options = Options(dir);
  options.max_fetch_attempts = 3;
  ImageCache cache(options, &source, &clock);
  REQUIRE(cache.Open().ok());

  absl::StatusOr<std::string> path = cache.Acquire(sha, 25'000);
  REQUIRE(path.ok());
  CHECK(ReadFile(*path) == content);
  CHECK(source.offsets() == std::vector<int64_t>{0, 10'000, 20'000});
}

TEST_CASE("image cache gives up when attempts run out or a fetch fails outright") {
  // This test verifies that resumption is bounded by max_fetch_attempts and
  // that a non-transient error (NotFound) is returned at once.
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  const std::string content = PatternBytes(25'000);
  const std::string sha = source.Add(content);
  source.BreakEachFetchAfter(10'000);
  ImageCacheOptions options = Options(dir);
  options.max_fetch_attempts = 2;
  ImageCache cache(options, &source, &clock);
  REQUIRE(cache.Open().ok());

  CHECK(absl::IsUnavailable(cache.Acquire(sha).status()));
  CHECK(source.fetches() == 2);
  CHECK(ListDir(dir / "cache").empty());

  const std::string missing = Sha256Hex("nobody has this");
  CHECK(absl::IsNotFound(cache.Acquire(missing).status()));
  CHECK(source.fetches() == 3);
}

TEST_CASE("concurrent acquires of one blob download it once") {
  // This test verifies that callers arriving while a blob is downloading wait
  // for that download instead of starting their own.
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  const std::string content = PatternBytes(50'000);
  const std::string sha = source.Add(content);
  ImageCache cache(Options(dir), &source, &clock);
  REQUIRE(cache.Open().ok());
  source.HoldFetches();

  constexpr int kCallers = 6;
  std::vector<absl::StatusOr<std::string>> results(kCallers, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] { results[i] = cache.Acquire(sha, 50'000); });
  }
  // Wait (bounded) until one caller is downloading and all others wait on it.
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (cache.GetStats().waiting < kCallers - 1 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  CHECK(cache.GetStats().waiting == kCallers - 1);
  source.ReleaseFetches();
  for (std::thread& thread : threads) thread.join();

  for (const auto& result : results) {
    REQUIRE(result.ok());
    CHECK(*result == cache.PathOf(sha));
  }
  CHECK(source.fetches() == 1);
  CHECK(cache.GetStats().downloads_started == 1);
  CHECK(ReadFile(cache.PathOf(sha)) == content);
}

TEST_CASE("garbage collection removes only blobs unused for longer than the TTL") {
  // This test verifies that a blob in use is never collected, and that an
  // unused blob goes exactly when its TTL, counted from its last use, passes.
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  const std::string in_use = source.Add("in use");
  const std::string released = source.Add("released later");
  const std::string never_used = source.Add("never used");
  ImageCache cache(Options(dir, 1h), &source, &clock);
  REQUIRE(cache.Open().ok());

  cache.Use(in_use, "i-1");
  cache.Use(released, "i-2");
  for (const std::string& sha : {in_use, released, never_used}) REQUIRE(cache.Acquire(sha).ok());

  clock.Advance(30min);
  cache.Unuse(released, "i-2");
  CHECK(cache.UsersOf(released).empty());
  CHECK(cache.UsersOf(in_use) == std::vector<std::string>{"i-1"});
  REQUIRE(cache.CollectGarbage().ok());
  CHECK(cache.CollectGarbage()->empty());

  clock.Advance(30min);  // never_used: 60 min idle; released: 30 min
  CHECK(*cache.CollectGarbage() == std::vector<std::string>{never_used});
  CHECK(ListDir(dir / "cache") == std::set<std::string>{in_use, released});

  clock.Advance(30min);
  CHECK(*cache.CollectGarbage() == std::vector<std::string>{released});

  clock.Advance(24h);
  CHECK(cache.CollectGarbage()->empty());
  CHECK(ListDir(dir / "cache") == std::set<std::string>{in_use});
}

TEST_CASE("a blob pinned before its download is not collected in between") {
  // This test verifies that Use may precede Acquire (as DiskArtifacts does),
  // so a TTL of zero cannot take the blob before it is used.
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  const std::string sha = source.Add("pinned");
  ImageCache cache(Options(dir, 0ms), &source, &clock);
  REQUIRE(cache.Open().ok());

  cache.Use(sha, "i-1");
  REQUIRE(cache.Acquire(sha).ok());
  CHECK(cache.CollectGarbage()->empty());
  cache.Unuse(sha, "i-1");
  CHECK(*cache.CollectGarbage() == std::vector<std::string>{sha});
}

TEST_CASE("a reopened cache keeps its blobs, drops interrupted downloads and waits a TTL") {
  // This test verifies that after a restart blobs on disk are found again,
  // temporary files are deleted, and nothing is collected before a full TTL
  // (the instances' uses are not known yet).
  TempDir dir;
  InMemoryBlobSource source;
  ManualClock clock;
  const std::string sha = source.Add(PatternBytes(3'000));
  {
    ImageCache cache(Options(dir), &source, &clock);
    REQUIRE(cache.Open().ok());
    REQUIRE(cache.Acquire(sha).ok());
  }
  testing::WriteFile(dir / "cache/tmp-" + sha + "-abc123", "partial");
  clock.Advance(48h);

  ImageCache reopened(Options(dir), &source, &clock);
  REQUIRE(reopened.Open().ok());
  CHECK(ListDir(dir / "cache") == std::set<std::string>{sha});
  CHECK(reopened.Contains(sha));
  CHECK(reopened.GetStats().bytes == 3'000);
  CHECK(reopened.CollectGarbage()->empty());
  REQUIRE(reopened.Acquire(sha, 3'000).ok());
  CHECK(source.fetches() == 1);
  CHECK(absl::IsDataLoss(reopened.Acquire(sha, 2'999).status()));

  clock.Advance(1h);
  CHECK(*reopened.CollectGarbage() == std::vector<std::string>{sha});
}

}  // namespace
}  // namespace gureum::agent
