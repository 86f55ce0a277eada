// NetworkConfig: the parts of a libvirt network's XML that Gureum reads (its
// IPv4 subnet, DHCP range and host reservations), and the XML Gureum writes
// (the standard NAT `default` network, one DHCP host entry), with pugixml.
// Value types and pure functions; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

namespace gureum::agent {

// A DHCP reservation: the guest with this MAC always gets this IP.
struct DhcpHost {
  std::string mac;  // lower case, as libvirt keeps it
  std::string ip;
  std::string name;  // host name dnsmasq hands out and resolves; may be empty
  bool operator==(const DhcpHost&) const = default;
};

struct NetworkConfig {
  std::string name;
  std::string bridge;
  std::string forward_mode;  // "nat", "route", ... or "" (isolated)
  std::string address;       // the host's address on the network
  int prefix = 0;
  std::string dhcp_start;
  std::string dhcp_end;
  std::vector<DhcpHost> hosts;
  // The directory of dnsmasq's `dhcp-hostsdir` option, if the network's XML
  // passes one (<dnsmasq:options>): reservations then go there as files
  // (DhcpHostsDir) instead of through virNetworkUpdate.
  std::string hosts_dir;

  // Parses the first IPv4 <ip> of a network XML. InvalidArgument if the XML
  // is malformed; a network without IPv4 has an empty address.
  static absl::StatusOr<NetworkConfig> Parse(const std::string& xml);

  // Whether `ip` lies inside the network's IPv4 subnet.
  bool InSubnet(const std::string& ip) const;

  // The reservation for a MAC (any case) or an IP; nullptr if none.
  const DhcpHost* FindByMac(const std::string& mac) const;
  const DhcpHost* FindByIp(const std::string& ip) const;
};

// libvirt's standard `default` network: NAT on virbr0, 192.168.122.0/24,
// DHCP .2-.254.
std::string DefaultNatNetworkXml();

// <dnsmasq:options> passing the network's dnsmasq `dir` as its
// dhcp-hostsdir (what NetworkConfig::Parse reads back as hosts_dir); goes
// inside <network>. The directory must exist (DhcpHostsDir::Create).
std::string DnsmasqHostsDirXml(const std::string& dir);

// <host mac=... ip=... name=.../> for virNetworkUpdate.
std::string DhcpHostXml(const DhcpHost& host);

// The MAC in libvirt's spelling (lower case).
std::string NormalizeMac(const std::string& mac);

}  // namespace gureum::agent
