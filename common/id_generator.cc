#include "common/id_generator.h"

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
  return std::string(prefix) + "-" + Hex(17);
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
