// DhcpRelease: ends a guest's DHCP lease on a host bridge the way the guest
// itself would, with a DHCPRELEASE message (RFC 2131) sent from the bridge to
// the DHCP server on it (libvirt's dnsmasq), as dnsmasq's `dhcp_release` tool
// and OpenStack do. Without it dnsmasq keeps the address leased to the MAC of
// a deleted guest for the lease time (an hour) and refuses to hand it to the
// next instance that is reserved the same address. Thread-safe (stateless).
#pragma once

#include <cstdint>
#include <string>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

namespace gureum::agent {

struct DhcpLease {
  std::string mac;        // "52:54:00:12:34:56"
  std::string ip;         // the leased IPv4 address
  std::string client_id;  // as dnsmasq records it, "01:52:54:..." ("" if none)
};

class DhcpRelease {
 public:
  // The DHCPRELEASE message for `lease`, from the client to `server_ip`
  // (option 54), with transaction id `xid`. InvalidArgument for a malformed
  // MAC, address or client id.
  static absl::StatusOr<std::string> Packet(const DhcpLease& lease, const std::string& server_ip,
                                            uint32_t xid);

  // Sends it out of `bridge` (the network's interface, whose address is the
  // server's) to port 67. Needs root (SO_BINDTODEVICE). There is no reply: the
  // caller may check the server's leases afterwards.
  static absl::Status Send(const std::string& bridge, const std::string& server_ip,
                           const DhcpLease& lease);
};

}  // namespace gureum::agent
