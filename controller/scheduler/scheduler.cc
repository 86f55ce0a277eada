#include "controller/scheduler/scheduler.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include "common/api_error.h"
#include "controller/scheduler/filters/availability_zone_filter.h"
#include "controller/scheduler/filters/capacity_filter.h"
#include "controller/scheduler/filters/host_up_filter.h"
#include "controller/scheduler/filters/hypervisor_filter.h"
#include "controller/scheduler/filters/placement_group_filter.h"
#include "controller/scheduler/weighers/building_weigher.h"
#include "controller/scheduler/weighers/cluster_affinity_weigher.h"
#include "controller/scheduler/weighers/free_memory_weigher.h"
#include "controller/scheduler/weighers/image_cached_weigher.h"

namespace gureum::controller {

namespace {

void Claim(HostState& host, const PlacementRequest& request, int sign) {
  host.allocation.vcpus += sign * request.vcpus;
  host.allocation.memory_mib += sign * request.memory_mib;
  host.allocation.disk_gib += sign * request.disk_gib;
  host.allocation.instance_count += sign;
  host.allocation.building += sign;  // a new instance starts as pending
  if (!request.group_name.empty()) host.group_members += sign;
}

}  // namespace

Scheduler::Scheduler(std::vector<std::unique_ptr<HostFilter>> filters,
                     std::vector<std::unique_ptr<HostWeigher>> weighers, OvercommitRatios ratios)
    : filters_(std::move(filters)), weighers_(std::move(weighers)), ratios_(ratios) {}

absl::StatusOr<std::unique_ptr<Scheduler>> Scheduler::Create(const SchedulerConfig& config) {
  const OvercommitRatios& r = config.ratios;
  if (!(r.cpu > 0) || !(r.ram > 0) || !(r.disk > 0)) {
    return absl::InvalidArgumentError("overcommit ratios must be positive");
  }
  std::map<std::string, double> multipliers = {
      {"free-memory", 1.0}, {"image-cached", 1.0}, {"building", 1.0}, {"cluster-affinity", 10.0}};
  for (const auto& [name, value] : config.multipliers) {
    if (!multipliers.contains(name)) {
      return absl::InvalidArgumentError("unknown weigher '" + name +
                                        "' (known: free-memory, image-cached, building, "
                                        "cluster-affinity)");
    }
    multipliers[name] = value;
  }
  std::vector<std::unique_ptr<HostFilter>> filters;
  filters.push_back(std::make_unique<HostUpFilter>());
  filters.push_back(std::make_unique<AvailabilityZoneFilter>());
  filters.push_back(std::make_unique<HypervisorFilter>());
  filters.push_back(std::make_unique<PlacementGroupFilter>());
  filters.push_back(std::make_unique<CapacityFilter>(r));
  std::vector<std::unique_ptr<HostWeigher>> weighers;
  weighers.push_back(std::make_unique<FreeMemoryWeigher>(multipliers["free-memory"]));
  weighers.push_back(std::make_unique<ImageCachedWeigher>(multipliers["image-cached"]));
  weighers.push_back(std::make_unique<BuildingWeigher>(multipliers["building"]));
  weighers.push_back(std::make_unique<ClusterAffinityWeigher>(multipliers["cluster-affinity"]));
  return std::make_unique<Scheduler>(std::move(filters), std::move(weighers), r);
}

std::unique_ptr<Scheduler> Scheduler::Default() { return *Create(SchedulerConfig{}); }

std::string Scheduler::Describe() const {
  std::ostringstream text;
  for (const auto& weigher : weighers_) {
    if (weigher != weighers_.front()) text << ", ";
    text << weigher->Name() << "=" << weigher->multiplier();
  }
  return text.str();
}

absl::StatusOr<std::vector<std::string>> Scheduler::Place(std::vector<HostState>& hosts,
                                                          const PlacementRequest& request,
                                                          int min_count, int max_count) const {
  // Filters and weighers look at one host and the request only, and placing
  // an instance changes only the chosen host: so every host is filtered and
  // weighed once, and after each placement only the chosen host again. The
  // scores are then what re-running the whole pipeline per instance gives
  // (same normalisation over the candidates, same order of additions), at a
  // fraction of the cost with thousands of hosts (docs/benchmarks.md).
  const size_t n = hosts.size();
  const size_t w = weighers_.size();
  std::vector<char> passes(n, 0);
  std::vector<double> raw(n * w, 0.0);  // raw[k * n + i]: weigher k on host i
  auto evaluate = [&](size_t i) {
    passes[i] = std::none_of(filters_.begin(), filters_.end(), [&](const auto& filter) {
      return filter->Reject(hosts[i], request).has_value();
    });
    if (!passes[i]) return;
    for (size_t k = 0; k < w; ++k) raw[k * n + i] = weighers_[k]->Raw(hosts[i], request);
  };
  for (size_t i = 0; i < n; ++i) evaluate(i);
  std::vector<double> lo(w), hi(w), multiplier(w);
  for (size_t k = 0; k < w; ++k) multiplier[k] = weighers_[k]->multiplier();
  std::vector<std::string> placed;
  for (int count = 0; count < max_count; ++count) {
    std::fill(lo.begin(), lo.end(), std::numeric_limits<double>::max());
    std::fill(hi.begin(), hi.end(), std::numeric_limits<double>::lowest());
    bool any = false;
    for (size_t i = 0; i < n; ++i) {
      if (!passes[i]) continue;
      any = true;
      for (size_t k = 0; k < w; ++k) {
        lo[k] = std::min(lo[k], raw[k * n + i]);
        hi[k] = std::max(hi[k], raw[k * n + i]);
      }
    }
    if (!any) break;
    size_t best = n;
    double best_score = 0.0;
    for (size_t i = 0; i < n; ++i) {
      if (!passes[i]) continue;
      double score = 0.0;
      for (size_t k = 0; k < w; ++k) {
        double normalised = hi[k] > lo[k] ? (raw[k * n + i] - lo[k]) / (hi[k] - lo[k]) : 0.0;
        score += normalised * multiplier[k];
      }
      if (best == n || score > best_score ||
          (score == best_score && hosts[i].host.name < hosts[best].host.name)) {
        best = i;
        best_score = score;
      }
    }
    Claim(hosts[best], request, +1);
    placed.push_back(hosts[best].host.host_id);
    evaluate(best);
  }
  if (static_cast<int>(placed.size()) < min_count) {
    std::string explanation = Explain(hosts, request, static_cast<int>(placed.size()), min_count);
    // Undo the claims made in the view: the caller must not see partial state.
    for (const std::string& host_id : placed) {
      for (HostState& host : hosts) {
        if (host.host.host_id == host_id) Claim(host, request, -1);
      }
    }
    return ApiError(absl::StatusCode::kResourceExhausted, errc::kInsufficientInstanceCapacity,
                    "MinCount", explanation);
  }
  return placed;
}

std::string Scheduler::Explain(const std::vector<HostState>& hosts, const PlacementRequest& request,
                               int placed, int min_count) const {
  std::string text = "There is not enough capacity for " + std::to_string(min_count) +
                     " instance(s) (" + std::to_string(request.vcpus) + " vCPU, " +
                     std::to_string(request.memory_mib) + " MiB, " +
                     std::to_string(request.disk_gib) + " GiB each); " + std::to_string(placed) +
                     " fit. Hosts: " + std::to_string(hosts.size());
  if (hosts.empty()) return text + ", no host has registered.";
  // Run each filter in turn over the survivors of the previous ones (with the
  // claims of the instances that did fit) and keep the last rejection reason
  // of the host that got furthest: that is the closest host's shortfall.
  std::vector<const HostState*> survivors;
  for (const HostState& host : hosts) survivors.push_back(&host);
  std::string closest;
  for (const auto& filter : filters_) {
    std::vector<const HostState*> next;
    int removed = 0;
    for (const HostState* host : survivors) {
      if (auto reason = filter->Reject(*host, request)) {
        ++removed;
        closest = *reason;
      } else {
        next.push_back(host);
      }
    }
    if (removed > 0) {
      text += "; " + std::string(filter->Name()) + " removed " + std::to_string(removed);
    }
    survivors = std::move(next);
  }
  text += ".";
  if (!closest.empty()) text += " Closest: " + closest + ".";
  return text;
}

}  // namespace gureum::controller
