#include "controller/core/ip_allocator.h"

#include <set>

#include <absl/strings/numbers.h>

#include "common/api_error.h"

namespace gureum::controller {

std::optional<uint32_t> IpAllocator::ParseIpv4(const std::string& text) {
  uint32_t out = 0;
  int parts = 0;
  size_t pos = 0;
  while (parts < 4) {
    size_t end = text.find('.', pos);
    std::string part = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (part.empty() || part.size() > 3 ||
        part.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    int value = std::stoi(part);
    if (value > 255) return std::nullopt;
    out = (out << 8) | static_cast<uint32_t>(value);
    ++parts;
    if (end == std::string::npos) break;
    if (parts == 4) return std::nullopt;  // a fifth part, or a trailing dot
    pos = end + 1;
  }
  if (parts != 4) return std::nullopt;
  return out;
}

std::string IpAllocator::FormatIpv4(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." +
         std::to_string((a >> 8) & 0xff) + "." + std::to_string(a & 0xff);
}

absl::StatusOr<IpAllocator> IpAllocator::Create(const NetworkConfig& config) {
  auto slash = config.cidr.find('/');
  if (slash == std::string::npos) {
    return absl::InvalidArgumentError("network CIDR '" + config.cidr + "' needs a /prefix");
  }
  auto base = ParseIpv4(config.cidr.substr(0, slash));
  int prefix = -1;
  if (!absl::SimpleAtoi(config.cidr.substr(slash + 1), &prefix)) prefix = -1;
  if (!base || prefix < 8 || prefix > 29) {
    return absl::InvalidArgumentError("network CIDR '" + config.cidr +
                                      "' must be an IPv4 prefix between /8 and /29");
  }
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  uint32_t network = *base & mask;
  uint32_t broadcast = network | ~mask;
  if (config.reserved < 0) {
    return absl::InvalidArgumentError("reserved addresses must be >= 0, not " +
                                      std::to_string(config.reserved));
  }
  // network address, gateway (.1), then `reserved` addresses for the host side.
  uint32_t first = network + 2 + static_cast<uint32_t>(config.reserved);
  uint32_t last = broadcast - 1;
  if (first > last) {
    return absl::InvalidArgumentError("network CIDR '" + config.cidr + "' leaves no addresses");
  }
  return IpAllocator(config.name, first, last);
}

int64_t IpAllocator::FreeCount(Repositories& repos) const {
  std::set<uint32_t> used;
  for (const std::string& ip : repos.instances.PrivateIpsInUse(name_)) {
    if (auto a = ParseIpv4(ip); a && *a >= first_ && *a <= last_) used.insert(*a);
  }
  return static_cast<int64_t>(last_ - first_ + 1) - static_cast<int64_t>(used.size());
}

absl::StatusOr<std::string> IpAllocator::Allocate(Repositories& repos) const {
  std::set<uint32_t> used;
  for (const std::string& ip : repos.instances.PrivateIpsInUse(name_)) {
    if (auto a = ParseIpv4(ip)) used.insert(*a);
  }
  for (uint32_t a = first_; a <= last_; ++a) {
    if (used.count(a) == 0) return FormatIpv4(a);
  }
  return ApiError(absl::StatusCode::kResourceExhausted, "InsufficientFreeAddressesInSubnet",
                  "MaxCount",
                  "The network '" + name_ + "' has no free addresses (" +
                      std::to_string(last_ - first_ + 1) + " in the pool)");
}

}  // namespace gureum::controller
