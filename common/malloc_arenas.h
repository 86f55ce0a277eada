// LimitMallocArenas: caps glibc's malloc arenas at one per core.
//
// glibc gives threads up to 8 arenas per core and keeps what is freed in
// each. In the controller, memory freed by one request thread (SQLite's
// journals and page buffers, protobuf messages) stayed in that thread's
// arena: with 100,000 instances the RSS after a placement run was 188 MiB
// with the default arenas and 104 MiB with one per core
// (docs/benchmarks.md). An operator's MALLOC_ARENA_MAX wins.
#pragma once

namespace gureum {

// Call first in main(), before any thread starts. Returns the cap set (0 if
// MALLOC_ARENA_MAX is set, which glibc applies itself).
int LimitMallocArenas();

}  // namespace gureum
