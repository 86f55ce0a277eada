#include "agent/hypervisor/libvirt/network_config.h"

#include <catch2/catch.hpp>

namespace gureum::agent {
namespace {

// libvirt's live XML of a started `default` network with two reservations.
constexpr char kDefaultWithHosts[] = R"(<network>
  <name>default</name>
  <uuid>d26c1190-d1d7-4e68-b3e4-4e78554cbf01</uuid>
  <forward mode='nat'><nat><port start='1024' end='65535'/></nat></forward>
  <bridge name='virbr0' stp='on' delay='0'/>
  <mac address='52:54:00:43:fe:dd'/>
  <ip family='ipv6' address='fd00::1' prefix='64'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
      <host mac='52:54:00:aa:bb:cc' name='i-1' ip='192.168.122.10'/>
      <host mac='52:54:00:AA:BB:DD' ip='192.168.122.11'/>
    </dhcp>
  </ip>
</network>)";

TEST_CASE("a network's IPv4 subnet and range and reservations are parsed") {
  // This test verifies that the first IPv4 <ip> is read (IPv6 skipped), MACs
  // come out lower case, and the forward mode and bridge are known.
  absl::StatusOr<NetworkConfig> config = NetworkConfig::Parse(kDefaultWithHosts);
  REQUIRE(config.ok());
  CHECK(config->name == "default");
  CHECK(config->bridge == "virbr0");
  CHECK(config->forward_mode == "nat");
  CHECK(config->address == "192.168.122.1");
  CHECK(config->prefix == 24);
  CHECK(config->dhcp_start == "192.168.122.2");
  CHECK(config->dhcp_end == "192.168.122.254");
  CHECK(config->hosts == std::vector<DhcpHost>{{"52:54:00:aa:bb:cc", "192.168.122.10", "i-1"},
                                               {"52:54:00:aa:bb:dd", "192.168.122.11", ""}});
}

TEST_CASE("a network's dnsmasq hosts directory is read from its dnsmasq options") {
  // This test verifies that dhcp-hostsdir is found among the <dnsmasq:options>
  // libvirt writes back (whatever the prefix), other options are ignored, and
  // a network without one has no hosts directory.
  const std::string with_dir =
      R"(<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>
  <name>gureum</name>
  <bridge name='gbr0'/>
  <ip address='10.9.0.1' netmask='255.255.255.0'><dhcp><range start='10.9.0.100' end='10.9.0.200'/></dhcp></ip>
  <dnsmasq:options>
    <dnsmasq:option value='log-dhcp'/>
    <dnsmasq:option value='dhcp-hostsdir=/var/lib/gureum/dhcp-hosts/gureum'/>
  </dnsmasq:options>
</network>)";
  absl::StatusOr<NetworkConfig> config = NetworkConfig::Parse(with_dir);
  REQUIRE(config.ok());
  CHECK(config->hosts_dir == "/var/lib/gureum/dhcp-hosts/gureum");
  CHECK(config->address == "10.9.0.1");

  // What Gureum writes for a network is what it reads back.
  absl::StatusOr<NetworkConfig> written = NetworkConfig::Parse(
      "<network><name>n</name>" + DnsmasqHostsDirXml("/tmp/hosts dir&more") + "</network>");
  REQUIRE(written.ok());
  CHECK(written->hosts_dir == "/tmp/hosts dir&more");

  absl::StatusOr<NetworkConfig> without = NetworkConfig::Parse(kDefaultWithHosts);
  REQUIRE(without.ok());
  CHECK(without->hosts_dir.empty());
}

TEST_CASE("reservations are found by MAC in any case and by IP") {
  // This test verifies the lookups used for idempotent adds and removals.
  absl::StatusOr<NetworkConfig> config = NetworkConfig::Parse(kDefaultWithHosts);
  REQUIRE(config.ok());
  REQUIRE(config->FindByMac("52:54:00:AA:BB:CC") != nullptr);
  CHECK(config->FindByMac("52:54:00:AA:BB:CC")->ip == "192.168.122.10");
  CHECK(config->FindByMac("52:54:00:00:00:00") == nullptr);
  REQUIRE(config->FindByIp("192.168.122.11") != nullptr);
  CHECK(config->FindByIp("192.168.122.11")->mac == "52:54:00:aa:bb:dd");
  CHECK(config->FindByIp("192.168.122.12") == nullptr);
}

TEST_CASE("subnet membership follows the netmask or prefix") {
  // This test verifies InSubnet for a netmask-style and a prefix-style <ip>.
  absl::StatusOr<NetworkConfig> config = NetworkConfig::Parse(kDefaultWithHosts);
  REQUIRE(config.ok());
  CHECK(config->InSubnet("192.168.122.200"));
  CHECK_FALSE(config->InSubnet("192.168.123.1"));
  CHECK_FALSE(config->InSubnet("not-an-ip"));
  absl::StatusOr<NetworkConfig> wide =
      NetworkConfig::Parse("<network><name>n</name><ip address='10.8.0.1' prefix='16'/></network>");
  REQUIRE(wide.ok());
  CHECK(wide->prefix == 16);
  CHECK(wide->forward_mode.empty());
  CHECK(wide->InSubnet("10.8.255.3"));
  CHECK_FALSE(wide->InSubnet("10.9.0.1"));
}

TEST_CASE("broken network XML is rejected") {
  // This test verifies that malformed XML and a non-contiguous netmask are
  // InvalidArgument.
  CHECK(absl::IsInvalidArgument(NetworkConfig::Parse("<network>").status()));
  CHECK(absl::IsInvalidArgument(NetworkConfig::Parse("<domain/>").status()));
  CHECK(absl::IsInvalidArgument(
      NetworkConfig::Parse("<network><ip address='10.0.0.1' netmask='255.0.255.0'/></network>")
          .status()));
}

TEST_CASE("the standard default network is NAT on 192.168.122.0/24") {
  // This test verifies the network defined when `default` is missing, by
  // parsing it back.
  absl::StatusOr<NetworkConfig> config = NetworkConfig::Parse(DefaultNatNetworkXml());
  REQUIRE(config.ok());
  CHECK(config->name == "default");
  CHECK(config->forward_mode == "nat");
  CHECK(config->bridge == "virbr0");
  CHECK(config->address == "192.168.122.1");
  CHECK(config->prefix == 24);
  CHECK(config->dhcp_start == "192.168.122.2");
  CHECK(config->dhcp_end == "192.168.122.254");
  CHECK(config->hosts.empty());
}

TEST_CASE("a DHCP host entry carries a lower-case MAC with the IP and the name") {
  // This test verifies the XML handed to virNetworkUpdate, by parsing it
  // inside a network.
  const std::string host = DhcpHostXml({"52:54:00:AB:CD:EF", "192.168.122.9", "i-9"});
  absl::StatusOr<NetworkConfig> config = NetworkConfig::Parse(
      "<network><ip address='192.168.122.1' prefix='24'><dhcp>" + host + "</dhcp></ip></network>");
  REQUIRE(config.ok());
  CHECK(config->hosts == std::vector<DhcpHost>{{"52:54:00:ab:cd:ef", "192.168.122.9", "i-9"}});
}

}  // namespace
}  // namespace gureum::agent
