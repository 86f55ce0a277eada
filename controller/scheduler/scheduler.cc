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
  // normalisation bounds (each weigher's lowest and highest raw value over
  // the hosts that pass) are kept with how many hosts sit on each bound, so
  // they are recomputed only when the chosen host was the last one on a
  // bound or moved past one; until then only the chosen host's score
  // changes. The scores are what re-running the whole pipeline per instance
  // gives (same bounds, same order of additions), at a fraction of the cost
  // with thousands of hosts (docs/benchmarks.md).
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
  // Ties go to the host whose name sorts first. The cached host list is in
  // name order already; any other order is ranked here once.
  std::vector<size_t> rank(n);
  for (size_t i = 0; i < n; ++i) rank[i] = i;
  bool by_name = true;
  for (size_t i = 1; i < n && by_name; ++i) {
    by_name = !(hosts[i].host.name < hosts[i - 1].host.name);
  }
  if (!by_name) {
    std::vector<size_t> order(rank);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return hosts[a].host.name < hosts[b].host.name; });
    for (size_t r = 0; r < n; ++r) rank[order[r]] = r;
  }
  std::vector<double> lo(w), hi(w), multiplier(w);
  std::vector<int> at_lo(w), at_hi(w);  // passing hosts whose raw value is lo / hi
  for (size_t k = 0; k < w; ++k) multiplier[k] = weighers_[k]->multiplier();
  size_t passing = 0;
  // Puts passing host i's raw values on the bounds; true if a bound moved.
  auto add_to_bounds = [&](size_t i) {
    bool moved = false;
    ++passing;
    for (size_t k = 0; k < w; ++k) {
      const double v = raw[k * n + i];
      if (v < lo[k]) {
        lo[k] = v;
        at_lo[k] = 0;
        moved = true;
      }
      if (v > hi[k]) {
        hi[k] = v;
        at_hi[k] = 0;
        moved = true;
      }
      at_lo[k] += v == lo[k];
      at_hi[k] += v == hi[k];
    }
    return moved;
  };
  auto compute_bounds = [&] {
    std::fill(lo.begin(), lo.end(), std::numeric_limits<double>::max());
    std::fill(hi.begin(), hi.end(), std::numeric_limits<double>::lowest());
    std::fill(at_lo.begin(), at_lo.end(), 0);
    std::fill(at_hi.begin(), at_hi.end(), 0);
    passing = 0;
    for (size_t i = 0; i < n; ++i) {
      if (passes[i]) add_to_bounds(i);
    }
  };
  std::vector<double> score(n, 0.0);
  auto compute_score = [&](size_t i) {
    double total = 0.0;
    for (size_t k = 0; k < w; ++k) {
      double normalised = hi[k] > lo[k] ? (raw[k * n + i] - lo[k]) / (hi[k] - lo[k]) : 0.0;
      total += normalised * multiplier[k];
    }
    score[i] = total;
  };
  auto compute_scores = [&] {
    for (size_t i = 0; i < n; ++i) {
      if (passes[i]) compute_score(i);
    }
  };
  compute_bounds();
  compute_scores();
  std::vector<double> before(w);
  std::vector<std::string> placed;
  for (int count = 0; count < max_count && passing > 0; ++count) {
    size_t best = n;
    for (size_t i = 0; i < n; ++i) {
      if (!passes[i]) continue;
      if (best == n || score[i] > score[best] ||
          (score[i] == score[best] && rank[i] < rank[best])) {
        best = i;
      }
    }
    Claim(hosts[best], request, +1);
    placed.push_back(hosts[best].host.host_id);
    // Take the chosen host off its bounds, weigh it again, put it back.
    for (size_t k = 0; k < w; ++k) {
      before[k] = raw[k * n + best];
      at_lo[k] -= before[k] == lo[k];
      at_hi[k] -= before[k] == hi[k];
    }
    --passing;
    evaluate(best);
    bool moved = passes[best] && add_to_bounds(best);  // a bound moved outward
    bool stale = false;  // a bound may have moved inward: recount from scratch
    for (size_t k = 0; k < w; ++k) stale = stale || at_lo[k] == 0 || at_hi[k] == 0;
    if (stale && passing > 0) {
      std::vector<double> old_lo(lo), old_hi(hi);
      compute_bounds();
      moved = moved || lo != old_lo || hi != old_hi;
    }
    if (moved) {
      compute_scores();
    } else if (passes[best]) {
      compute_score(best);
    }
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
