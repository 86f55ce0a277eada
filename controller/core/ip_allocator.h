// IpAllocator: IPAM for one instance network. Hands out the lowest free
// address of the pool (CIDR minus network, gateway, broadcast and the first
// `reserved` host addresses), never one an instance that is not terminated
// holds. Used inside the launch transaction, so two launches never get the
// same address. Thread-safe: the state is in the store; the allocator only
// caches a low-water mark (every address below it is held) so that a launch
// costs a few indexed lookups instead of reading every address in use
// (docs/benchmarks.md). The mark falls back to the pool's start whenever an
// address was released (or another store is used), so "lowest free" holds.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
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
  // How many addresses are free now, counting no further than `up_to` (the
  // answer is exact when it is below `up_to`).
  int64_t FreeCount(Repositories& repos, int64_t up_to = INT64_MAX) const;
  // Forgets the low-water mark: call when a transaction that allocated
  // addresses did not commit (they are free again, maybe below the mark).
  void ForgetLowWater() const;
  // Pool size, for capacity reporting.
  uint32_t PoolSize() const { return last_ - first_ + 1; }

  static std::optional<uint32_t> ParseIpv4(const std::string& text);
  static std::string FormatIpv4(uint32_t address);

 private:
  // Every address in [first_, low_water) is held, as of `releases` releases
  // seen through `repository`.
  struct LowWater {
    std::mutex mutex;
    const void* repository = nullptr;  // guarded by mutex
    int64_t releases = -1;             // guarded by mutex
    uint32_t address = 0;              // guarded by mutex
  };
  IpAllocator(std::string name, uint32_t first, uint32_t last)
      : name_(std::move(name)), first_(first), last_(last), low_water_(new LowWater) {}
  // The low-water mark valid for `repos` (reset to first_ after a release).
  uint32_t LowWaterFor(Repositories& repos) const;
  std::string name_;
  uint32_t first_;
  uint32_t last_;
  std::shared_ptr<LowWater> low_water_;  // shared by copies: they allocate from one pool
};

}  // namespace gureum::controller
