#include "bench/bench_network.h"

#include <filesystem>

#include "agent/hypervisor/libvirt/dhcp_hosts_dir.h"
#include "agent/hypervisor/libvirt/network_config.h"

namespace gureum::bench {

void BenchNetwork::Remove() {
  virNetworkPtr network = virNetworkLookupByName(conn_, name_.c_str());
  if (network == nullptr) return;
  if (virNetworkIsActive(network) == 1) virNetworkDestroy(network);
  virNetworkUndefine(network);
  virNetworkFree(network);
  std::error_code ignored;
  if (!hosts_dir_.empty()) std::filesystem::remove_all(hosts_dir_, ignored);
}

absl::Status BenchNetwork::Create() {
  Remove();
  // Bridge names are limited to 15 characters.
  const std::string bridge = "gbench" + prefix_.substr(prefix_.rfind('.') + 1);
  std::string options;
  if (!hosts_dir_.empty()) {
    if (absl::Status created = agent::DhcpHostsDir::Create(hosts_dir_); !created.ok()) {
      return created;
    }
    options = agent::DnsmasqHostsDirXml(hosts_dir_);
  }
  const std::string xml = "<network><name>" + name_ + "</name><bridge name='" + bridge +
                          "' stp='off'/><ip address='" + prefix_ +
                          ".1' netmask='255.255.255.0'><dhcp><range start='" + prefix_ +
                          ".100' end='" + prefix_ + ".200'/></dhcp></ip>" + options + "</network>";
  virNetworkPtr network = virNetworkDefineXML(conn_, xml.c_str());
  if (network == nullptr) return absl::InternalError("cannot define network " + name_);
  created_ = true;
  const int rc = virNetworkCreate(network);
  virNetworkFree(network);
  if (rc != 0) return absl::InternalError("cannot start network " + name_);
  return absl::OkStatus();
}

BenchNetwork::~BenchNetwork() {
  if (created_) Remove();
}

}  // namespace gureum::bench
