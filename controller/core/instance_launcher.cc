#include "controller/core/instance_launcher.h"

#include "common/api_error.h"
#include "common/sha256.h"
#include "controller/core/idempotency.h"
#include "controller/core/instance_list_builder.h"
#include "controller/core/instance_state.h"
#include "controller/core/instance_view.h"

namespace gureum::controller {
namespace {

// What identifies a request for idempotency: every field but the token.
std::string RequestHash(v1::RunInstancesRequest request) {
  request.clear_client_token();
  std::string bytes;
  request.SerializeToString(&bytes);  // deterministic enough: no maps in the message
  return Sha256Hex(bytes);
}

}  // namespace

std::string InstanceLauncher::NewMacAddress(Repositories& repos) {
  // 52:54:00 is QEMU/KVM's locally administered prefix.
  for (;;) {
    std::string hex = core_.ids.Hex(6);
    std::string mac =
        "52:54:00:" + hex.substr(0, 2) + ":" + hex.substr(2, 2) + ":" + hex.substr(4, 2);
    if (!repos.instances.MacInUse(mac)) return mac;
  }
}

absl::StatusOr<v1::RunInstancesResponse> InstanceLauncher::Run(
    const RequestContext& ctx, const v1::RunInstancesRequest& request) {
  const std::string request_hash = RequestHash(request);
  const int64_t now = core_.clock.NowMillis();
  bool allocated = false;  // addresses were handed out in the transaction
  auto reservation =
      Commit(core_, [&](Repositories& repos, ChangeSet& changes) -> absl::StatusOr<std::string> {
        auto seen =
            LookUpClientToken(repos, ctx, request.client_token(), "RunInstances", request_hash);
        if (!seen.ok()) return seen.status();
        if (*seen) return **seen;  // the original reservation: act only once
        auto image = repos.images.Get(request.image_id());
        if (!image || (!ctx.CanAccess(image->project_id) && !image->is_public)) {
          return NotFoundError(errc::kInvalidAmiIdNotFound, "ImageId",
                               "The image id '" + request.image_id() + "' does not exist");
        }
        if (image->state != "available") {
          return InvalidParameter("ImageId", "The image '" + request.image_id() + "' is " +
                                                 image->state + ", not available");
        }
        auto type = repos.instance_types.Get(request.instance_type());
        if (!type) {
          return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidParameterValue,
                          "InstanceType",
                          "Invalid value '" + request.instance_type() +
                              "' for InstanceType: no such instance type (see "
                              "describe-instance-types)");
        }
        std::string public_key;
        if (!request.key_name().empty()) {
          auto key = repos.key_pairs.GetByName(ctx.project_id, request.key_name());
          if (!key) {
            return NotFoundError(errc::kInvalidKeyPairNotFound, "KeyName",
                                 "The key pair '" + request.key_name() + "' does not exist");
          }
          public_key = key->public_key;
        }
        const int64_t disk_gib = std::max<int64_t>(
            type->root_disk_gib, (image->virtual_size_bytes + (1LL << 30) - 1) >> 30);

        std::optional<PlacementGroupRecord> group;
        if (const std::string& name = request.placement().group_name(); !name.empty()) {
          group = repos.placement_groups.GetByName(ctx.project_id, name);
          if (!group) {
            return NotFoundError(errc::kInvalidPlacementGroupUnknown, "Placement.GroupName",
                                 "The placement group '" + name + "' is unknown");
          }
        }
        const std::string& zone = request.placement().availability_zone();
        // The scheduler's view: the cached host rows (re-read only when a
        // host changed), what is allocated on each (host_usage, kept by
        // InstanceRepository), group members and image caches, joined by host index.
        auto records = host_records_.Get(repos);
        std::vector<HostState> hosts;
        hosts.reserve(records->hosts.size());
        bool zone_known = zone.empty();
        for (const HostRecord& host : records->hosts) {
          zone_known = zone_known || host.availability_zone == zone;
          hosts.push_back(HostState{host, {}, 0, false});
        }
        auto at = [&](const std::string& host_id) -> HostState* {
          auto it = records->by_id.find(host_id);
          return it == records->by_id.end() ? nullptr : &hosts[it->second];
        };
        std::string key;  // reused: no allocation per host
        repos.instances.ForEachHostAllocation(
            [&](std::string_view host_id, const HostAllocation& allocation) {
              key.assign(host_id);
              if (HostState* h = at(key)) h->allocation = allocation;
            });
        if (group) {
          for (const auto& [host_id, count] : repos.instances.GroupMembersByHost(group->group_id)) {
            if (HostState* h = at(host_id)) h->group_members = count;
          }
        }
        image_index_.ForEachHostWith(image->sha256, [&](const std::string& host_id) {
          if (HostState* h = at(host_id)) h->image_cached = true;
        });
        if (!zone_known) {
          return InvalidParameter("Placement.AvailabilityZone",
                                  "Invalid availability zone: [" + zone +
                                      "] (no host is in it; see describe-availability-zones)");
        }
        PlacementRequest placement{type->vcpus,
                                   type->memory_mib,
                                   disk_gib,
                                   zone,
                                   type->hypervisor,
                                   group ? group->group_name : "",
                                   group ? group->strategy : ""};
        int min_count = request.min_count();
        int max_count = request.max_count();
        // Quotas bound a launch first (EC2 checks limits before capacity).
        auto headroom = quotas_.Headroom(
            repos, ctx.project_id, ResourceAmounts{1, type->vcpus, type->memory_mib, disk_gib},
            min_count, max_count);
        if (!headroom.ok()) return headroom.status();
        max_count = *headroom;
        // Addresses bound a launch as capacity does: as many as fit between min and max.
        const int64_t free_ips = ips_.FreeCount(repos, max_count);
        if (free_ips < min_count) {
          return InsufficientFreeAddresses(
              "MinCount", "The network '" + ips_.network() + "' has " + std::to_string(free_ips) +
                              " free address(es); " + std::to_string(min_count) + " requested");
        }
        max_count = static_cast<int>(std::min<int64_t>(max_count, free_ips));
        auto chosen = scheduler_.Place(hosts, placement, min_count, max_count);
        if (!chosen.ok()) return chosen.status();
        if (request.dry_run()) {
          return ApiError(absl::StatusCode::kFailedPrecondition, errc::kDryRunOperation, "DryRun",
                          "Request would have succeeded, but DryRun flag is set (" +
                              std::to_string(chosen->size()) + " instance(s) would launch)");
        }

        const std::string reservation_id = core_.ids.Next("r");
        for (size_t i = 0; i < chosen->size(); ++i) {
          InstanceRecord r;
          r.instance_id = core_.ids.Next("i");
          r.project_id = ctx.project_id;
          r.reservation_id = reservation_id;
          r.launch_index = static_cast<int>(i);
          r.image_id = image->image_id;
          r.instance_type = type->name;
          r.vcpus = type->vcpus;
          r.memory_mib = type->memory_mib;
          r.root_disk_gib = disk_gib;
          r.key_name = request.key_name();
          r.public_key = public_key;
          r.user_data = request.user_data();
          r.host_id = (*chosen)[i];
          r.availability_zone = at(r.host_id)->host.availability_zone;
          r.state = std::string(StateName(InstanceState::kPending));
          r.desired_state = "running";
          r.mac_address = NewMacAddress(repos);
          r.network = ips_.network();
          allocated = true;
          auto ip = ips_.Allocate(repos);
          if (!ip.ok()) return ip.status();
          r.private_ip = *ip;
          r.client_token = request.client_token();
          if (group) {
            r.placement_group_id = group->group_id;
            r.placement_group_name = group->group_name;
          }
          r.launched_at = now;
          r.state_changed_at = now;
          for (const auto& tag : request.tags()) r.tags.emplace_back(tag.key(), tag.value());
          repos.instances.Insert(r);
          RecordEvent(repos, changes, ctx, now, "instance", r.instance_id, "instance.launched",
                      "instance " + r.instance_id + " (" + r.instance_type + ", " + r.image_id +
                          ") placed on " + r.host_id,
                      "", r.state);
          changes.hosts.insert(r.host_id);
        }
        if (!request.client_token().empty()) {
          repos.client_tokens.Insert(
              ctx.project_id, request.client_token(),
              ClientTokenRecord{"RunInstances", request_hash, reservation_id, now});
        }
        return reservation_id;
      });
  if (!reservation.ok()) {
    if (allocated) ips_.ForgetLowWater();
    return reservation.status();
  }

  return core_.store.Read([&](Repositories& repos) -> absl::StatusOr<v1::RunInstancesResponse> {
    InstanceQuery query;
    query.filters["reservation-id"] = {*reservation};
    v1::RunInstancesResponse response;
    response.set_reservation_id(*reservation);
    response.set_owner_id(ctx.project_id);
    InstanceListBuilder(response.mutable_instances(), query.limit).Fill(repos.instances, query);
    return response;
  });
}

}  // namespace gureum::controller
