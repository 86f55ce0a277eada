// EC2-style resource ids: a prefix, a dash and 17 lowercase hex digits
// (i-0123456789abcdef0). The randomness is injectable (seed) for tests.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

namespace gureum {

class IdGenerator {
 public:
  IdGenerator();                        // seeded from std::random_device
  explicit IdGenerator(uint64_t seed);  // deterministic

  std::string Next(std::string_view prefix);
  // Random lowercase hex of the given length (request ids, MACs, tokens).
  std::string Hex(int digits);

 private:
  std::mutex mutex_;
  std::mt19937_64 rng_;  // guarded by mutex_
};

// True if `id` is `prefix` + "-" + 8 or 17 lowercase hex digits (EC2 accepts both).
bool IsWellFormedId(std::string_view prefix, std::string_view id);

}  // namespace gureum
