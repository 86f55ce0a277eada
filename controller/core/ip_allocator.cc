#include "controller/core/ip_allocator.h"

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

uint32_t IpAllocator::LowWaterFor(Repositories& repos) const {
  std::lock_guard lock(low_water_->mutex);
  if (low_water_->repository != &repos.instances ||
      low_water_->releases != repos.instances.ip_releases() || low_water_->address < first_) {
    low_water_->repository = &repos.instances;
    low_water_->releases = repos.instances.ip_releases();
    low_water_->address = first_;
  }
  return low_water_->address;
}

void IpAllocator::ForgetLowWater() const {
  std::lock_guard lock(low_water_->mutex);
  low_water_->repository = nullptr;
}

int64_t IpAllocator::FreeCount(Repositories& repos, int64_t up_to) const {
  int64_t free = 0;
  for (uint64_t a = LowWaterFor(repos); a <= last_ && free < up_to; ++a) {
    if (!repos.instances.PrivateIpInUse(name_, FormatIpv4(static_cast<uint32_t>(a)))) ++free;
  }
  return free;
}

absl::StatusOr<std::string> IpAllocator::Allocate(Repositories& repos) const {
  for (uint64_t a = LowWaterFor(repos); a <= last_; ++a) {
    std::string ip = FormatIpv4(static_cast<uint32_t>(a));
    if (repos.instances.PrivateIpInUse(name_, ip)) continue;
    // Everything below `a` is held. `a` itself stays the mark: if this
    // transaction rolls back, it is free again and still the lowest.
    std::lock_guard lock(low_water_->mutex);
    if (low_water_->repository == &repos.instances) low_water_->address = static_cast<uint32_t>(a);
    return ip;
  }
  return InsufficientFreeAddresses("MaxCount",
                                   "The network '" + name_ + "' has no free addresses (" +
                                       std::to_string(last_ - first_ + 1) + " in the pool)");
}

}  // namespace gureum::controller
