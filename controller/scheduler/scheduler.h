// Scheduler: a pipeline of HostFilters then HostWeighers, as Nova's filter
// scheduler. Place() claims capacity in the given host view as it places each
// instance, so a batch never overfills a host. Callers pass a view read in the
// same transaction that will insert the instances (atomic admission).
// Thread-safe: filters and weighers are immutable.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "controller/scheduler/filters/capacity_filter.h"
#include "controller/scheduler/host_filter.h"
#include "controller/scheduler/host_weigher.h"

namespace gureum::controller {

struct SchedulerConfig {
  OvercommitRatios ratios;
  // Weigher multipliers by name, overriding the defaults: free-memory 1.0
  // (negative packs instead of spreading), image-cached 1.0, building 1.0,
  // cluster-affinity 10.0.
  std::map<std::string, double> multipliers;
};

class Scheduler {
 public:
  Scheduler(std::vector<std::unique_ptr<HostFilter>> filters,
            std::vector<std::unique_ptr<HostWeigher>> weighers, OvercommitRatios ratios = {});

  // The pipeline: HostUp, AvailabilityZone, Hypervisor, PlacementGroup,
  // Capacity; FreeMemory, ImageCached, Building, ClusterAffinity. Fails on an
  // unknown weigher name or a ratio that is not positive.
  static absl::StatusOr<std::unique_ptr<Scheduler>> Create(const SchedulerConfig& config);
  static std::unique_ptr<Scheduler> Default();

  const OvercommitRatios& ratios() const { return ratios_; }
  // "Name=multiplier, ..." of the weighers, for the startup log.
  std::string Describe() const;

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
  OvercommitRatios ratios_;
};

}  // namespace gureum::controller
