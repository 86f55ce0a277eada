#include "agent/hypervisor/libvirt/dhcp_release.h"

#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

namespace gureum::agent {
namespace {

uint8_t At(const std::string& packet, size_t offset) {
  return static_cast<uint8_t>(packet.at(offset));
}

// Offsets in the BOOTP header (RFC 2131, figure 1).
constexpr size_t kXid = 4;
constexpr size_t kCiaddr = 12;
constexpr size_t kChaddr = 28;
constexpr size_t kCookie = 236;
constexpr size_t kOptions = 240;

TEST_CASE("a DHCP release names the lease's address, MAC, server and client id") {
  // This test verifies the bytes dnsmasq checks in a DHCPRELEASE: a BOOTREQUEST
  // for Ethernet with ciaddr = the leased address, chaddr = the MAC, the magic
  // cookie, message type 7, the server identifier and the client id.
  absl::StatusOr<std::string> packet = DhcpRelease::Packet(
      {"52:54:00:0a:1b:ff", "10.231.7.10", "01:52:54:00:0a:1b:ff"}, "10.231.7.1", 0x01020304);
  REQUIRE(packet.ok());
  const std::string& p = *packet;
  REQUIRE(p.size() == kOptions + 3 + 6 + 9 + 1);
  CHECK(At(p, 0) == 1);  // BOOTREQUEST
  CHECK(At(p, 1) == 1);  // Ethernet
  CHECK(At(p, 2) == 6);
  CHECK(p.substr(kXid, 4) == std::string("\x01\x02\x03\x04", 4));
  CHECK(p.substr(kCiaddr, 4) == std::string("\x0a\xe7\x07\x0a", 4));
  CHECK(p.substr(16, 12) == std::string(12, '\0'));  // yiaddr siaddr giaddr
  CHECK(p.substr(kChaddr, 6) == std::string("\x52\x54\x00\x0a\x1b\xff", 6));
  CHECK(p.substr(kChaddr + 6, kCookie - kChaddr - 6) == std::string(kCookie - kChaddr - 6, '\0'));
  CHECK(p.substr(kCookie, 4) == std::string("\x63\x82\x53\x63", 4));
  CHECK(p.substr(kOptions, 3) == std::string("\x35\x01\x07", 3));
  CHECK(p.substr(kOptions + 3, 6) == std::string("\x36\x04\x0a\xe7\x07\x01", 6));
  CHECK(p.substr(kOptions + 9, 9) == std::string("\x3d\x07\x01\x52\x54\x00\x0a\x1b\xff", 9));
  CHECK(At(p, p.size() - 1) == 255);
}

TEST_CASE("a DHCP release without a client id leaves the option out") {
  // This test verifies that a lease recorded without a client id is released
  // by MAC alone (dnsmasq then matches the lease by its hardware address).
  absl::StatusOr<std::string> packet =
      DhcpRelease::Packet({"52:54:00:00:00:01", "192.168.122.10", ""}, "192.168.122.1", 7);
  REQUIRE(packet.ok());
  CHECK(packet->size() == kOptions + 3 + 6 + 1);
  CHECK(packet->find(std::string("\x3d", 1), kOptions) == std::string::npos);
}

TEST_CASE("a DHCP release refuses malformed MACs addresses and client ids") {
  // This test verifies that nothing malformed reaches the wire.
  CHECK(absl::IsInvalidArgument(
      DhcpRelease::Packet({"52:54:00:00:01", "10.0.0.2", ""}, "10.0.0.1", 1).status()));
  CHECK(absl::IsInvalidArgument(
      DhcpRelease::Packet({"52:54:00:00:00:zz", "10.0.0.2", ""}, "10.0.0.1", 1).status()));
  CHECK(absl::IsInvalidArgument(
      DhcpRelease::Packet({"52:54:00:00:00:01", "10.0.0.256", ""}, "10.0.0.1", 1).status()));
  CHECK(absl::IsInvalidArgument(
      DhcpRelease::Packet({"52:54:00:00:00:01", "10.0.0.2", ""}, "fe80::1", 1).status()));
  CHECK(absl::IsInvalidArgument(
      DhcpRelease::Packet({"52:54:00:00:00:01", "10.0.0.2", "01"}, "10.0.0.1", 1).status()));
  CHECK(absl::IsInvalidArgument(DhcpRelease::Send("a-bridge-name-far-too-long", "10.0.0.1",
                                                  {"52:54:00:00:00:01", "10.0.0.2", ""})));
}

}  // namespace
}  // namespace gureum::agent
