// FUZZ_CHECK: the property checks of Gureum's fuzz targets. A failed check
// prints what was violated and aborts, which libFuzzer reports as a crash and
// saves the input that caused it (crash-<sha1>). Header-only.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                     \
  do {                                                                                  \
    if (!(condition)) {                                                                 \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s (%s)\n", __FILE__, __LINE__, \
                   #condition, what);                                                   \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)
