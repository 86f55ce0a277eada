#include "controller/core/host_directory.h"

#include "common/api_error.h"
#include "controller/core/instance_view.h"

namespace gureum::controller {

absl::StatusOr<HostRecord> HostDirectory::Register(const agent::v1::Register& reg) {
  const int64_t now = core_.clock.NowMillis();
  RequestContext ctx;
  ctx.request_id = "agent-" + core_.ids.Hex(12);
  ctx.actor = "agent:" + reg.host_name();
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<HostRecord> {
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
    RecordEvent(repos, changes, ctx, now, "host", stored.host_id,
                existing ? "host.reconnected" : "host.registered",
                "host " + stored.name + " (" + std::to_string(stored.vcpus) + " vCPU, " +
                    std::to_string(stored.memory_mib) + " MiB, " + stored.virt_type + ") is up",
                existing ? existing->state : "", "up");
    return stored;
  });
}

absl::Status HostDirectory::Heartbeat(const std::string& host_id) {
  const int64_t now = core_.clock.NowMillis();
  return core_.store.Write([&](Repositories& repos) {
    repos.hosts.TouchHeartbeat(host_id, now);
    return absl::OkStatus();
  });
}

absl::Status HostDirectory::MarkDown(const std::string& host_id, const std::string& why) {
  return SetState(host_id, "down", why);
}

absl::Status HostDirectory::SetState(const std::string& host_id, const std::string& state,
                                     const std::string& why) {
  const int64_t now = core_.clock.NowMillis();
  RequestContext ctx;
  ctx.request_id = "ctl-" + core_.ids.Hex(12);
  ctx.actor = "controller";
  return Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::Status {
    auto host = repos.hosts.Get(host_id);
    if (!host || host->state == state) return absl::OkStatus();
    repos.hosts.SetState(host_id, state);
    RecordEvent(repos, changes, ctx, now, "host", host_id, "host.state-changed",
                "host " + host->name + " is " + state + ": " + why, host->state, state);
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::DescribeHostsResponse> HostDirectory::Describe(
    const RequestContext& ctx, const std::vector<std::string>& host_ids) {
  return core_.store.Read([&](Repositories& repos) -> absl::StatusOr<v1::DescribeHostsResponse> {
    auto allocations = repos.instances.AllocationByHost();
    v1::DescribeHostsResponse response;
    std::vector<HostRecord> hosts;
    if (host_ids.empty()) {
      hosts = repos.hosts.List();
    } else {
      for (const std::string& id : host_ids) {
        auto host = repos.hosts.Get(id);
        if (!host) host = repos.hosts.GetByName(id);
        if (!host) {
          return NotFoundError(errc::kInvalidHostIdNotFound, "HostIds",
                               "The host '" + id + "' does not exist");
        }
        hosts.push_back(*host);
      }
    }
    for (const HostRecord& host : hosts) {
      *response.add_hosts() = ToApiHost(host, allocations[host.host_id]);
    }
    return response;
  });
}

}  // namespace gureum::controller
