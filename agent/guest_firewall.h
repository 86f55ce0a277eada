// GuestFirewall: keeps guests off the host's own services. It installs the
// nftables table `inet gureum_guard`, whose input chain drops everything that
// arrives from the instance network's bridge addressed to the host itself,
// except DHCP and DNS (which the network's dnsmasq serves) and replies to
// connections the host opened. Forwarded traffic (guests to the outside, NAT)
// does not pass the input hook and is untouched. So a guest cannot reach the
// controller's or agent's ports on any host address. Replacing the table is
// one atomic `nft -f`. Thread-safe (stateless).
#pragma once

#include <string>

#include <absl/status/status.h>

namespace gureum::agent {

inline constexpr char kGuestFirewallTable[] = "gureum_guard";

class GuestFirewall {
 public:
  // The nft script that (re)creates the table for `bridge`.
  static std::string Ruleset(const std::string& bridge);
  // Runs `nft -f` with Ruleset(bridge); Internal error with nft's message.
  static absl::Status Install(const std::string& bridge);
};

}  // namespace gureum::agent
