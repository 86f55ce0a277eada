#include "agent/guest_firewall.h"

#include <catch2/catch.hpp>

namespace gureum::agent {

TEST_CASE("the guest firewall drops guests' traffic to the host except DHCP, DNS and replies") {
  // This test verifies the nft script: one table replaced atomically, an input hook only (NAT'd
  // traffic to the outside is forwarded, not input), the exceptions and the final drop.
  const std::string rules = GuestFirewall::Ruleset("virbr0");
  CHECK(rules.find("add table inet gureum_guard\ndelete table inet gureum_guard\n") == 0);
  CHECK(rules.find("type filter hook input") != std::string::npos);
  CHECK(rules.find("hook forward") == std::string::npos);
  CHECK(rules.find("iifname \"virbr0\" udp dport { 53, 67, 547 } accept") != std::string::npos);
  CHECK(rules.find("iifname \"virbr0\" tcp dport 53 accept") != std::string::npos);
  CHECK(rules.find("iifname \"virbr0\" ct state established,related accept") != std::string::npos);
  CHECK(rules.rfind("iifname \"virbr0\" counter drop") > rules.find("tcp dport 53 accept"));
  CHECK_FALSE(GuestFirewall::Install("bad\"name").ok());
}

}  // namespace gureum::agent
