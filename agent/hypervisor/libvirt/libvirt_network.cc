#include "agent/hypervisor/libvirt/libvirt_network.h"

#include <cstdlib>
#include <vector>

#include <absl/strings/str_cat.h>
#include <libvirt/virterror.h>
#include <spdlog/spdlog.h>

#include "agent/hypervisor/libvirt/dhcp_release.h"
#include "agent/hypervisor/libvirt/libvirt_error.h"

namespace gureum::agent {

LibvirtNetwork::LibvirtNetwork(LibvirtHost* host, std::string name)
    : host_(host), name_(std::move(name)) {}

absl::StatusOr<LibvirtNetwork::NetworkPtr> LibvirtNetwork::Lookup(virConnectPtr conn) {
  virNetworkPtr network = virNetworkLookupByName(conn, name_.c_str());
  if (network == nullptr) return LastLibvirtError("look up network " + name_);
  return NetworkPtr(network);
}

absl::StatusOr<NetworkConfig> LibvirtNetwork::ReadConfig(virNetworkPtr network) {
  char* xml = virNetworkGetXMLDesc(network, 0);
  if (xml == nullptr) return LastLibvirtError("read network " + name_);
  absl::StatusOr<NetworkConfig> config = NetworkConfig::Parse(xml);
  free(xml);
  return config;
}

absl::Status LibvirtNetwork::EnsureActive() {
  absl::StatusOr<ConnectionRef> conn = host_->Connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<NetworkPtr> network = Lookup(conn->get());
  if (absl::IsNotFound(network.status()) && name_ == "default") {
    spdlog::info("libvirt: network 'default' is not defined; defining the standard NAT network");
    virNetworkPtr defined = virNetworkDefineXML(conn->get(), DefaultNatNetworkXml().c_str());
    if (defined == nullptr) return LastLibvirtError("define network default");
    network = NetworkPtr(defined);
  }
  if (!network.ok()) return network.status();

  const int active = virNetworkIsActive(network->get());
  if (active < 0) return LastLibvirtError("check network " + name_);
  if (active == 0) {
    spdlog::info("libvirt: starting network {}", name_);
    // Someone else may start it at the same moment: that is fine too.
    if (virNetworkCreate(network->get()) < 0 &&
        LastLibvirtErrorCode() != VIR_ERR_OPERATION_INVALID) {
      return LastLibvirtError("start network " + name_);
    }
  }
  int autostart = 0;
  if (virNetworkGetAutostart(network->get(), &autostart) < 0) {
    return LastLibvirtError("read autostart of network " + name_);
  }
  if (autostart == 0 && virNetworkSetAutostart(network->get(), 1) < 0) {
    return LastLibvirtError("set autostart on network " + name_);
  }
  return absl::OkStatus();
}

absl::StatusOr<NetworkConfig> LibvirtNetwork::Config() {
  absl::StatusOr<ConnectionRef> conn = host_->Connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<NetworkPtr> network = Lookup(conn->get());
  if (!network.ok()) return network.status();
  return ReadConfig(network->get());
}

absl::Status LibvirtNetwork::Update(virNetworkPtr network, unsigned int command,
                                    const DhcpHost& host) {
  const int active = virNetworkIsActive(network);
  if (active < 0) return LastLibvirtError("check network " + name_);
  // A stopped network has no live definition (and no dnsmasq) to update.
  const unsigned int flags =
      VIR_NETWORK_UPDATE_AFFECT_CONFIG | (active == 1 ? VIR_NETWORK_UPDATE_AFFECT_LIVE : 0);
  if (virNetworkUpdate(network, command, VIR_NETWORK_SECTION_IP_DHCP_HOST, -1,
                       DhcpHostXml(host).c_str(), flags) < 0) {
    return LastLibvirtError(
        absl::StrCat(command == VIR_NETWORK_UPDATE_COMMAND_DELETE ? "remove" : "add",
                     " DHCP reservation ", host.mac, " -> ", host.ip, " on network ", name_));
  }
  return absl::OkStatus();
}

absl::Status LibvirtNetwork::AddHostsDirEntries(NetworkConfig& config) const {
  if (config.hosts_dir.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<DhcpHost>> in_dir = HostsDir(config).List();
  if (!in_dir.ok()) return in_dir.status();
  config.hosts.insert(config.hosts.end(), in_dir->begin(), in_dir->end());
  return absl::OkStatus();
}

DhcpHostsDir LibvirtNetwork::HostsDir(const NetworkConfig& config) const {
  return DhcpHostsDir(config.hosts_dir, "/run/libvirt/network/" + name_ + ".pid");
}

absl::Status LibvirtNetwork::AddDhcpHost(const DhcpHost& host) {
  absl::StatusOr<ConnectionRef> conn = host_->Connection();
  if (!conn.ok()) return conn.status();
  std::lock_guard<std::mutex> lock(update_mu_);
  absl::StatusOr<NetworkPtr> network = Lookup(conn->get());
  if (!network.ok()) return network.status();
  absl::StatusOr<NetworkConfig> config = ReadConfig(network->get());
  if (!config.ok()) return config.status();
  if (absl::Status listed = AddHostsDirEntries(*config); !listed.ok()) return listed;

  const DhcpHost wanted{NormalizeMac(host.mac), host.ip, host.name};
  if (!config->InSubnet(wanted.ip)) {
    return absl::InvalidArgumentError(absl::StrCat("IP ", wanted.ip, " is outside network ", name_,
                                                   " (", config->address, "/", config->prefix,
                                                   ")"));
  }
  if (const DhcpHost* by_mac = config->FindByMac(wanted.mac); by_mac != nullptr) {
    if (*by_mac == wanted) return absl::OkStatus();
    return absl::AlreadyExistsError(absl::StrCat("MAC ", wanted.mac, " is already reserved for ",
                                                 by_mac->ip, " (", by_mac->name, ") on network ",
                                                 name_));
  }
  if (const DhcpHost* by_ip = config->FindByIp(wanted.ip); by_ip != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat("IP ", wanted.ip, " is already reserved for MAC ",
                                                 by_ip->mac, " on network ", name_));
  }
  if (!config->hosts_dir.empty()) return HostsDir(*config).Add(wanted);
  return Update(network->get(), VIR_NETWORK_UPDATE_COMMAND_ADD_LAST, wanted);
}

absl::Status LibvirtNetwork::RemoveDhcpHost(const std::string& mac) {
  absl::StatusOr<ConnectionRef> conn = host_->Connection();
  if (!conn.ok()) return conn.status();
  std::lock_guard<std::mutex> lock(update_mu_);
  absl::StatusOr<NetworkPtr> network = Lookup(conn->get());
  if (!network.ok()) return network.status();
  absl::StatusOr<NetworkConfig> config = ReadConfig(network->get());
  if (!config.ok()) return config.status();
  if (!config->hosts_dir.empty()) {
    if (absl::Status removed = HostsDir(*config).Remove(mac); !removed.ok()) return removed;
  }
  const DhcpHost* existing = config->FindByMac(mac);
  if (existing == nullptr) return absl::OkStatus();
  // Delete exactly the entry libvirt has, so its matching cannot miss.
  return Update(network->get(), VIR_NETWORK_UPDATE_COMMAND_DELETE, *existing);
}

absl::StatusOr<int> LibvirtNetwork::ReleaseLeases(const std::string& mac) {
  absl::StatusOr<ConnectionRef> conn = host_->Connection();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<NetworkPtr> network = Lookup(conn->get());
  if (!network.ok()) return network.status();
  if (virNetworkIsActive(network->get()) != 1) return 0;  // no server, no leases
  absl::StatusOr<NetworkConfig> config = ReadConfig(network->get());
  if (!config.ok()) return config.status();

  const std::string normalized = NormalizeMac(mac);
  virNetworkDHCPLeasePtr* leases = nullptr;
  const int count = virNetworkGetDHCPLeases(network->get(), normalized.c_str(), &leases, 0);
  if (count < 0) return LastLibvirtError("read DHCP leases of network " + name_);
  std::vector<DhcpLease> to_release;
  for (int i = 0; i < count; ++i) {
    const virNetworkDHCPLeasePtr lease = leases[i];
    if (lease->type == VIR_IP_ADDR_TYPE_IPV4 && lease->ipaddr != nullptr) {
      to_release.push_back(
          {normalized, lease->ipaddr, lease->clientid != nullptr ? lease->clientid : ""});
    }
    virNetworkDHCPLeaseFree(lease);
  }
  free(leases);

  int released = 0;
  for (const DhcpLease& lease : to_release) {
    if (absl::Status s = DhcpRelease::Send(config->bridge, config->address, lease); !s.ok()) {
      return s;
    }
    spdlog::info("libvirt: released DHCP lease {} of {} on network {}", lease.ip, lease.mac, name_);
    ++released;
  }
  return released;
}

absl::StatusOr<std::vector<DhcpHost>> LibvirtNetwork::ListDhcpHosts() {
  absl::StatusOr<NetworkConfig> config = Config();
  if (!config.ok()) return config.status();
  if (absl::Status listed = AddHostsDirEntries(*config); !listed.ok()) return listed;
  return config->hosts;
}

}  // namespace gureum::agent
