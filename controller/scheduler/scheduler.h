// Scheduler: a pipeline of HostFilters then HostWeighers, as Nova's filter
// scheduler. Place() claims capacity in the given host view as it places each
// instance, so a batch never overfills a host. Callers pass a view read in the
// same transaction that will insert the instances (atomic admission).
// Thread-safe: filters and weighers are immutable.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "controller/scheduler/host_filter.h"
#include "controller/scheduler/host_weigher.h"

namespace gureum::controller {

class Scheduler {
 public:
  Scheduler(std::vector<std::unique_ptr<HostFilter>> filters,
            std::vector<std::unique_ptr<HostWeigher>> weighers);

  // The default pipeline: HostUp, AvailabilityZone, Capacity; FreeMemory.
  static std::unique_ptr<Scheduler> Default();

  // Places between min_count and max_count instances; returns one host id per
  // placed instance (as many as fit, at least min_count), or
  // InsufficientInstanceCapacity explaining, per filter, how many hosts it
  // removed and the closest host's shortfall.
  absl::StatusOr<std::vector<std::string>> Place(std::vector<HostState>& hosts,
                                                 const PlacementRequest& request, int min_count,
                                                 int max_count) const;

 private:
  std::string Explain(const std::vector<HostState>& hosts, const PlacementRequest& request,
                      int placed, int min_count) const;

  std::vector<std::unique_ptr<HostFilter>> filters_;
  std::vector<std::unique_ptr<HostWeigher>> weighers_;
};

}  // namespace gureum::controller
