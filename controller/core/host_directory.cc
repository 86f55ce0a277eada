#include "controller/core/host_directory.h"

#include <algorithm>
#include <map>

#include "common/api_error.h"
#include "controller/core/instance_view.h"

namespace gureum::controller {

absl::StatusOr<HostRecord> HostDirectory::Register(const agent::v1::Register& reg) {
  const int64_t now = core_.clock.NowMillis();
  RequestContext ctx;
  ctx.request_id = "agent-" + core_.ids.Hex(12);
  ctx.actor = "agent:" + reg.host_name();
  return CommitHosts([&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<HostRecord> {
    HostRecord host;
    auto existing = repos.hosts.GetByName(reg.host_name());
    host.host_id = existing ? existing->host_id : core_.ids.Next("h");
    host.name = reg.host_name();
    host.state = "up";
    host.hypervisor_type = reg.hypervisor_type();
    host.virt_type = reg.virt_type();
    host.vcpus = reg.vcpus();
    host.memory_mib = reg.memory_mib();
    host.disk_gib = reg.disk_gib();
    host.availability_zone = reg.availability_zone();
    host.agent_version = reg.agent_version();
    host.registered_at = now;
    host.last_heartbeat = now;
    HostRecord stored = repos.hosts.Upsert(host);
    {
      std::lock_guard lock(beats_mutex_);
      beats_[stored.host_id] = Beat{now, now};
    }
    image_index_.Update(stored.host_id, {reg.cached_blobs().begin(), reg.cached_blobs().end()});
    RecordEvent(repos, changes, ctx, now, "host", stored.host_id,
                existing ? "host.reconnected" : "host.registered",
                "host " + stored.name + " (" + std::to_string(stored.vcpus) + " vCPU, " +
                    std::to_string(stored.memory_mib) + " MiB, " + stored.virt_type + ") is up",
                existing ? existing->state : "", "up");
    return stored;
  });
}

absl::Status HostDirectory::Heartbeat(const std::string& host_id,
                                      const agent::v1::Heartbeat& heartbeat) {
  image_index_.Update(host_id, {heartbeat.cached_blobs().begin(), heartbeat.cached_blobs().end()});
  const int64_t now = core_.clock.NowMillis();
  bool persist;
  {
    std::lock_guard lock(beats_mutex_);
    Beat& beat = beats_[host_id];
    beat.last_ms = std::max(beat.last_ms, now);
    persist = now - beat.persisted_ms >= kHeartbeatPersistMs;
    if (persist) beat.persisted_ms = now;
  }
  absl::StatusOr<std::string> state;
  if (persist) {
    state = core_.store.Write([&](Repositories& repos) -> absl::StatusOr<std::string> {
      repos.hosts.TouchHeartbeat(host_id, now);
      auto host = repos.hosts.Get(host_id);
      return host ? host->state : std::string("up");
    });
  } else if (auto records = records_.Peek(); records && records->by_id.contains(host_id)) {
    state = records->hosts[records->by_id.at(host_id)].state;  // no store access
  } else {
    state = core_.store.Read([&](Repositories& repos) -> absl::StatusOr<std::string> {
      auto host = repos.hosts.Get(host_id);
      return host ? host->state : std::string("up");
    });
  }
  if (!state.ok()) return state.status();
  // A host marked unreachable whose heartbeats come back on the same stream
  // (a network cut that healed before the stream broke) is up again.
  if (*state != "up") return SetState(host_id, "up", "heartbeats resumed");
  return absl::OkStatus();
}

int64_t HostDirectory::LastHeartbeat(const HostRecord& host) {
  std::lock_guard lock(beats_mutex_);
  return LastHeartbeatLocked(host);
}

int64_t HostDirectory::LastHeartbeatLocked(const HostRecord& host) const {
  auto it = beats_.find(host.host_id);
  return it == beats_.end() ? host.last_heartbeat
                            : std::max(host.last_heartbeat, it->second.last_ms);
}

absl::Status HostDirectory::MarkUnreachable(const std::string& host_id, const std::string& why) {
  return SetState(host_id, "unreachable", why);
}

absl::StatusOr<int> HostDirectory::ExpireSilentHosts(int64_t now_ms, int64_t ttl_ms) {
  // Every host, every monitor tick: from the cached rows, with the
  // heartbeat map locked once (10,000 hosts, docs/benchmarks.md).
  auto silent =
      core_.store.Read([&](Repositories& repos) -> absl::StatusOr<std::vector<HostRecord>> {
        auto records = records_.Get(repos);
        std::vector<HostRecord> out;
        std::lock_guard lock(beats_mutex_);
        for (const HostRecord& host : records->hosts) {
          if (host.state == "up" && now_ms - LastHeartbeatLocked(host) > ttl_ms) {
            out.push_back(host);
          }
        }
        return out;
      });
  if (!silent.ok()) return silent.status();
  RequestContext ctx;
  ctx.request_id = "ctl-" + core_.ids.Hex(12);
  ctx.actor = "controller";
  int expired = 0;
  for (const HostRecord& candidate : *silent) {
    auto s = CommitHosts([&](Repositories& repos, ChangeSet& changes) -> absl::Status {
      // Re-read in the transaction: a heartbeat or reconnect may have come since.
      auto host = repos.hosts.Get(candidate.host_id);
      if (!host || host->state != "up" || now_ms - LastHeartbeat(*host) <= ttl_ms) {
        return absl::OkStatus();
      }
      repos.hosts.SetState(host->host_id, "unreachable");
      RecordEvent(repos, changes, ctx, now_ms, "host", host->host_id, "host.state-changed",
                  "host " + host->name + " is unreachable: no heartbeat for " +
                      std::to_string((now_ms - LastHeartbeat(*host)) / 1000) + " s (TTL " +
                      std::to_string(ttl_ms / 1000) + " s)",
                  "up", "unreachable");
      ++expired;
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
  }
  return expired;
}

absl::Status HostDirectory::SetState(const std::string& host_id, const std::string& state,
                                     const std::string& why) {
  const int64_t now = core_.clock.NowMillis();
  RequestContext ctx;
  ctx.request_id = "ctl-" + core_.ids.Hex(12);
  ctx.actor = "controller";
  return CommitHosts([&](Repositories& repos, ChangeSet& changes) -> absl::Status {
    auto host = repos.hosts.Get(host_id);
    if (!host || host->state == state) return absl::OkStatus();
    repos.hosts.SetState(host_id, state);
    RecordEvent(repos, changes, ctx, now, "host", host_id, "host.state-changed",
                "host " + host->name + " is " + state + ": " + why, host->state, state);
    return absl::OkStatus();
  });
}

namespace {

std::optional<HostRecord> FindHost(Repositories& repos, const std::string& id_or_name) {
  auto host = repos.hosts.Get(id_or_name);
  if (!host) host = repos.hosts.GetByName(id_or_name);
  return host;
}

absl::Status UnknownHost(const std::string& field, const std::string& host) {
  return NotFoundError(errc::kInvalidHostIdNotFound, field,
                       "The host '" + host + "' does not exist");
}

}  // namespace

absl::StatusOr<v1::DescribeHostsResponse> HostDirectory::Describe(
    const RequestContext& /*ctx*/, const std::vector<std::string>& host_ids) {
  return core_.store.Read([&](Repositories& repos) -> absl::StatusOr<v1::DescribeHostsResponse> {
    auto allocations = repos.instances.AllocationByHost();
    v1::DescribeHostsResponse response;
    std::vector<HostRecord> hosts;
    if (host_ids.empty()) {
      hosts = repos.hosts.List();
    } else {
      for (const std::string& id : host_ids) {
        auto host = FindHost(repos, id);
        if (!host) return UnknownHost("HostIds", id);
        hosts.push_back(*host);
      }
    }
    for (HostRecord& host : hosts) {
      host.last_heartbeat = LastHeartbeat(host);
      *response.add_hosts() =
          ToApiHost(host, allocations[host.host_id], ratios_, image_index_.Count(host.host_id));
    }
    return response;
  });
}

absl::StatusOr<v1::Host> HostDirectory::SetEnabled(const RequestContext& ctx,
                                                   const std::string& host_ref, bool enabled,
                                                   const std::string& reason) {
  const int64_t now = core_.clock.NowMillis();
  return CommitHosts([&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<v1::Host> {
    auto host = FindHost(repos, host_ref);
    if (!host) return UnknownHost("HostId", host_ref);
    if (host->enabled != enabled || (!enabled && host->disabled_reason != reason)) {
      repos.hosts.SetEnabled(host->host_id, enabled, reason);
      RecordEvent(repos, changes, ctx, now, "host", host->host_id,
                  enabled ? "host.enabled" : "host.disabled",
                  "host " + host->name +
                      (enabled ? " enabled: takes new instances"
                               : " disabled: no new instances" +
                                     (reason.empty() ? std::string() : " (" + reason + ")")),
                  host->enabled ? "enabled" : "disabled", enabled ? "enabled" : "disabled");
      host = repos.hosts.Get(host->host_id);
    }
    host->last_heartbeat = LastHeartbeat(*host);
    return ToApiHost(*host, repos.instances.AllocationByHost()[host->host_id], ratios_,
                     image_index_.Count(host->host_id));
  });
}

absl::StatusOr<v1::DescribeAvailabilityZonesResponse> HostDirectory::DescribeZones(
    const RequestContext& /*ctx*/, const std::vector<std::string>& zone_names) {
  return core_.store.Read(
      [&](Repositories& repos) -> absl::StatusOr<v1::DescribeAvailabilityZonesResponse> {
        auto allocations = repos.instances.AllocationByHost();
        std::map<std::string, v1::AvailabilityZone> zones;
        for (const HostRecord& host : repos.hosts.List()) {
          v1::AvailabilityZone& zone = zones[host.availability_zone];
          zone.set_zone_name(host.availability_zone);
          zone.set_host_count(zone.host_count() + 1);
          const HostAllocation& a = allocations[host.host_id];
          zone.set_allocated_vcpus(zone.allocated_vcpus() + a.vcpus);
          zone.set_allocated_memory_mib(zone.allocated_memory_mib() + a.memory_mib);
          zone.set_allocated_disk_gib(zone.allocated_disk_gib() + a.disk_gib);
          zone.set_instance_count(zone.instance_count() + a.instance_count);
          if (host.state != "up" || !host.enabled) continue;
          zone.set_hosts_available(zone.hosts_available() + 1);
          zone.set_vcpu_capacity(zone.vcpu_capacity() + host.vcpus * ratios_.cpu);
          zone.set_memory_capacity_mib(zone.memory_capacity_mib() +
                                       static_cast<double>(host.memory_mib) * ratios_.ram);
          zone.set_disk_capacity_gib(zone.disk_capacity_gib() +
                                     static_cast<double>(host.disk_gib) * ratios_.disk);
        }
        v1::DescribeAvailabilityZonesResponse response;
        for (const std::string& name : zone_names) {
          if (!zones.contains(name)) {
            return InvalidParameter("ZoneNames", "The availability zone '" + name +
                                                     "' does not exist (no host is in it)");
          }
        }
        for (auto& [name, zone] : zones) {
          if (!zone_names.empty() &&
              std::find(zone_names.begin(), zone_names.end(), name) == zone_names.end()) {
            continue;
          }
          zone.set_state(zone.hosts_available() > 0 ? "available" : "unavailable");
          *response.add_availability_zones() = std::move(zone);
        }
        return response;
      });
}

}  // namespace gureum::controller
