#include "common/malloc_arenas.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

namespace gureum {
namespace {

TEST_CASE("malloc arenas are capped at one per core unless the operator set MALLOC_ARENA_MAX") {
  // This test verifies the cap LimitMallocArenas sets: one arena per core
  // (at least 2), and none when MALLOC_ARENA_MAX is in the environment,
  // which glibc applies itself.
  const char* before = std::getenv("MALLOC_ARENA_MAX");
  const std::string saved = before ? before : "";
  unsetenv("MALLOC_ARENA_MAX");
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  CHECK(LimitMallocArenas() == std::max(2, cores));
  setenv("MALLOC_ARENA_MAX", "4", 1);
  CHECK(LimitMallocArenas() == 0);
  if (before) {
    setenv("MALLOC_ARENA_MAX", saved.c_str(), 1);
  } else {
    unsetenv("MALLOC_ARENA_MAX");
  }
}

}  // namespace
}  // namespace gureum
