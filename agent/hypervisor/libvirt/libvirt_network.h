// LibvirtNetwork: one libvirt virtual network, by name: keep it running and
// autostarted, read its subnet, and keep DHCP host reservations (MAC -> IP):
// as files in dnsmasq's hosts directory when the network's XML names one
// (DhcpHostsDir: milliseconds), else in both its live and persistent
// definition (virNetworkUpdate: ~0.5 s, libvirt rebuilds the network's
// firewall each time). Thread-safe; reservation changes
// through one object are serialized, because libvirt's update has no
// compare-and-set and Gureum checks for conflicts before adding.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <libvirt/libvirt.h>

#include "agent/hypervisor/libvirt/dhcp_hosts_dir.h"
#include "agent/hypervisor/libvirt/libvirt_host.h"
#include "agent/hypervisor/libvirt/network_config.h"

namespace gureum::agent {

class LibvirtNetwork {
 public:
  // `host` must outlive this object.
  LibvirtNetwork(LibvirtHost* host, std::string name);

  const std::string& name() const { return name_; }

  // Starts the network and marks it autostart if it is not. The `default`
  // network is defined as libvirt's standard NAT network if missing; any
  // other missing network is NotFound (Gureum does not invent subnets).
  absl::Status EnsureActive();

  // The network as it is now (the live definition while it runs).
  absl::StatusOr<NetworkConfig> Config();

  // Reserves host.ip for host.mac. Adding a reservation that exists exactly
  // is OK; one that conflicts (the MAC or IP already reserved otherwise) is
  // AlreadyExists; an IP outside the subnet is InvalidArgument.
  absl::Status AddDhcpHost(const DhcpHost& host);

  // Removes the reservation for a MAC; OK if there is none.
  absl::Status RemoveDhcpHost(const std::string& mac);

  // Ends every IPv4 lease the network's DHCP server holds for a MAC (see
  // DhcpRelease), so that its addresses can go to another guest at once.
  // Returns how many were released; OK with 0 if there are none or the
  // network is not running.
  absl::StatusOr<int> ReleaseLeases(const std::string& mac);

  // Every reservation: the network definition's and its hosts directory's.
  absl::StatusOr<std::vector<DhcpHost>> ListDhcpHosts();

 private:
  struct Free {
    void operator()(virNetworkPtr network) const { virNetworkFree(network); }
  };
  using NetworkPtr = std::unique_ptr<virNetwork, Free>;

  absl::StatusOr<NetworkPtr> Lookup(virConnectPtr conn);
  absl::StatusOr<NetworkConfig> ReadConfig(virNetworkPtr network);
  // Appends the reservations of the config's hosts directory (if it has
  // one) to its `hosts`.
  absl::Status AddHostsDirEntries(NetworkConfig& config) const;
  DhcpHostsDir HostsDir(const NetworkConfig& config) const;
  absl::Status Update(virNetworkPtr network, unsigned int command, const DhcpHost& host);

  LibvirtHost* const host_;
  const std::string name_;
  std::mutex update_mu_;  // serializes check-then-update of reservations
};

}  // namespace gureum::agent
