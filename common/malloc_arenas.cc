#include "common/malloc_arenas.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace gureum {

int LimitMallocArenas() {
  if (std::getenv("MALLOC_ARENA_MAX") != nullptr) return 0;
  const int arenas = std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  mallopt(M_ARENA_MAX, arenas);
  return arenas;
}

}  // namespace gureum
