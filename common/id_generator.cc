#include "common/id_generator.h"

#include <chrono>
#include <cstdio>

namespace gureum {

IdGenerator::IdGenerator() : rng_(std::random_device{}()) {}
IdGenerator::IdGenerator(uint64_t seed) : rng_(seed) {}

std::string IdGenerator::Hex(int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digits);
  std::lock_guard lock(mutex_);
  for (int i = 0; i < digits; ++i) out.push_back(kHex[rng_() & 0xf]);
  return out;
}

std::string IdGenerator::Next(std::string_view prefix) {
  constexpr uint64_t kSequenceDigits = 6;
  constexpr uint64_t kSequenceLimit = uint64_t{1} << (4 * kSequenceDigits);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  uint64_t millis =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  uint64_t sequence = 0;
  {
    std::lock_guard lock(mutex_);
    if (millis > last_millis_) {
      // A random start in the lower half leaves room to count up.
      last_millis_ = millis;
      sequence_ = rng_() & (kSequenceLimit / 2 - 1);
    } else if (++sequence_ == kSequenceLimit) {
      // The same millisecond (or the clock stepped back): count on, and
      // borrow the next millisecond if this one is used up.
      ++last_millis_;
      sequence_ = 0;
    }
    millis = last_millis_;
    sequence = sequence_;
  }
  char digits[18];
  std::snprintf(digits, sizeof(digits), "%011llx%06llx",
                static_cast<unsigned long long>(millis & 0xfffffffffffULL),
                static_cast<unsigned long long>(sequence));
  return std::string(prefix) + "-" + digits;
}

bool IsWellFormedId(std::string_view prefix, std::string_view id) {
  if (id.size() <= prefix.size() + 1 || id.substr(0, prefix.size()) != prefix ||
      id[prefix.size()] != '-') {
    return false;
  }
  std::string_view hex = id.substr(prefix.size() + 1);
  if (hex.size() != 8 && hex.size() != 17) return false;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace gureum
