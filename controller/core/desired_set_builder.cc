#include "controller/core/desired_set_builder.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace gureum::controller {

absl::StatusOr<agent::v1::DesiredSet> DesiredSetBuilder::Build(const std::string& host_id) {
  return store_.Read([&](Repositories& repos) -> absl::StatusOr<agent::v1::DesiredSet> {
    agent::v1::DesiredSet set;
    std::map<std::string, std::optional<ImageRecord>, std::less<>> images;
    repos.instances.ForEachDesiredOnHost(host_id, [&](const DesiredInstanceView& r) {
      auto* d = set.add_instances();
      d->set_instance_id(r.instance_id.data(), r.instance_id.size());
      if (r.desired_state == "running") {
        d->set_power(agent::v1::DESIRED_RUNNING);
      } else if (r.desired_state == "stopped") {
        d->set_power(agent::v1::DESIRED_STOPPED);
      } else {
        d->set_power(agent::v1::DESIRED_ABSENT);
      }
      d->set_force_stop(r.force_stop);
      d->set_reboot_token(r.reboot_token);
      auto* spec = d->mutable_spec();
      spec->set_vcpus(r.vcpus);
      spec->set_memory_mib(r.memory_mib);
      spec->set_root_disk_gib(r.root_disk_gib);
      auto it = images.find(r.image_id);
      if (it == images.end()) {
        std::string image_id(r.image_id);
        std::optional<ImageRecord> image = repos.images.Get(image_id);
        it = images.emplace(std::move(image_id), std::move(image)).first;
      }
      if (const auto& image = it->second) {
        auto* ref = spec->mutable_image();
        ref->set_image_id(image->image_id);
        ref->set_disk_sha256(image->sha256);
        ref->set_disk_format(image->disk_format);
        ref->set_disk_size_bytes(image->size_bytes);
        ref->set_kernel_sha256(image->kernel_sha256);
        ref->set_ramdisk_sha256(image->ramdisk_sha256);
        ref->set_kernel_args(image->kernel_args);
      }
      spec->set_user_data(r.user_data.data(), r.user_data.size());
      if (!r.public_key.empty()) {
        spec->add_ssh_public_keys(r.public_key.data(), r.public_key.size());
      }
      spec->set_hostname(r.instance_id.data(), r.instance_id.size());
      spec->set_mac_address(r.mac_address.data(), r.mac_address.size());
      spec->set_private_ip_address(r.private_ip.data(), r.private_ip.size());
      if (r.network.empty()) {
        spec->set_network(network_);
      } else {
        spec->set_network(r.network.data(), r.network.size());
      }
    });
    return set;
  });
}

}  // namespace gureum::controller
