// IpAllocator: IPAM for one instance network. Hands out the lowest free
// address of the pool (CIDR minus network, gateway, broadcast and the first
// `reserved` host addresses), never one an instance that is not terminated
// holds. Used inside the launch transaction, so two launches never get the
// same address. Thread-safe (immutable; state is in the store).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <absl/status/statusor.h>

#include "controller/store/store.h"

namespace gureum::controller {

struct NetworkConfig {
  std::string name = "default";
  std::string cidr = "192.168.122.0/24";  // libvirt's default NAT network
  int reserved = 8;                       // after the gateway (.1): .2 .. .9 kept for the host side
};

class IpAllocator {
 public:
  static absl::StatusOr<IpAllocator> Create(const NetworkConfig& config);

  const std::string& network() const { return name_; }
  // The lowest free address, or InsufficientFreeAddressesInSubnet.
  absl::StatusOr<std::string> Allocate(Repositories& repos) const;
  // How many addresses are free now.
  int64_t FreeCount(Repositories& repos) const;
  // Pool size, for capacity reporting.
  uint32_t PoolSize() const { return last_ - first_ + 1; }

  static std::optional<uint32_t> ParseIpv4(const std::string& text);
  static std::string FormatIpv4(uint32_t address);

 private:
  IpAllocator(std::string name, uint32_t first, uint32_t last)
      : name_(std::move(name)), first_(first), last_(last) {}
  std::string name_;
  uint32_t first_;
  uint32_t last_;
};

}  // namespace gureum::controller
