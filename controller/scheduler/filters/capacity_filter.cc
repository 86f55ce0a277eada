#include "controller/scheduler/filters/capacity_filter.h"

#include <cmath>

namespace gureum::controller {
namespace {

std::string Num(double v) {
  double rounded = std::floor(v * 10 + 0.5) / 10;
  std::string s = std::to_string(rounded);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

double CapacityFilter::FreeVcpus(const HostState& h) const {
  return h.host.vcpus * ratios_.cpu - h.allocation.vcpus;
}
double CapacityFilter::FreeMemoryMib(const HostState& h) const {
  return static_cast<double>(h.host.memory_mib) * ratios_.ram -
         static_cast<double>(h.allocation.memory_mib);
}
double CapacityFilter::FreeDiskGib(const HostState& h) const {
  return static_cast<double>(h.host.disk_gib) * ratios_.disk -
         static_cast<double>(h.allocation.disk_gib);
}

std::optional<std::string> CapacityFilter::Reject(const HostState& host,
                                                  const PlacementRequest& request) const {
  if (double free = FreeVcpus(host); free < request.vcpus) {
    return host.host.name + ": " + Num(free) + " vCPU free, " + std::to_string(request.vcpus) +
           " requested";
  }
  if (double free = FreeMemoryMib(host); free < static_cast<double>(request.memory_mib)) {
    return host.host.name + ": " + Num(free) + " MiB memory free, " +
           std::to_string(request.memory_mib) + " requested";
  }
  if (double free = FreeDiskGib(host); free < static_cast<double>(request.disk_gib)) {
    return host.host.name + ": " + Num(free) + " GiB disk free, " +
           std::to_string(request.disk_gib) + " requested";
  }
  return std::nullopt;
}

}  // namespace gureum::controller
