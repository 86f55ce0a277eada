#include "controller/core/ip_allocator.h"

#include <string>

#include <catch2/catch.hpp>

#include "common/api_error.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {
namespace {

InstanceRecord WithIp(int n, const std::string& network, const std::string& ip) {
  InstanceRecord r;
  r.instance_id = "i-0000000" + std::to_string(n);
  r.project_id = "default";
  r.reservation_id = "r-00000001";
  r.image_id = "ami-00000001";
  r.instance_type = "g1.nano";
  r.vcpus = 1;
  r.memory_mib = 512;
  r.root_disk_gib = 4;
  r.host_id = "h-00000001";
  r.availability_zone = "az-1";
  r.state = "running";
  r.desired_state = "running";
  r.mac_address = "52:54:00:00:00:0" + std::to_string(n);
  r.network = network;
  r.private_ip = ip;
  return r;
}

}  // namespace

TEST_CASE("the default network offers libvirt's /24 minus the gateway and reserved addresses") {
  // This test verifies that the pool is the CIDR minus network, broadcast and the reserved
  // addresses, for the default config and others.
  auto ips = IpAllocator::Create(NetworkConfig{});
  REQUIRE(ips.ok());
  CHECK(ips->network() == "default");
  CHECK(ips->PoolSize() == 245);  // .10 .. .254

  auto smallest = IpAllocator::Create(NetworkConfig{"n", "10.0.0.0/29", 4});
  REQUIRE(smallest.ok());
  CHECK(smallest->PoolSize() == 1);  // .6 only
  auto host_bits_ignored = IpAllocator::Create(NetworkConfig{"n", "10.0.0.77/24", 0});
  REQUIRE(host_bits_ignored.ok());
  CHECK(host_bits_ignored->PoolSize() == 253);  // .2 .. .254
}

TEST_CASE("a network config that is not an IPv4 prefix between /8 and /29 is refused") {
  // This test verifies that IpAllocator::Create refuses anything but an IPv4 prefix between /8 and
  // /29 that leaves addresses.
  for (const std::string cidr : {"10.0.0.0", "10.0.0.0/7", "10.0.0.0/30", "10.0.0.300/24", "abc/24",
                                 "10.0.0/24", "10.0.0.0/", "/24"}) {
    INFO(cidr);
    auto ips = IpAllocator::Create(NetworkConfig{"n", cidr, 0});
    REQUIRE_FALSE(ips.ok());
    CHECK(ips.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(ips.status().message()), Catch::Contains(cidr));
  }
  auto exhausted = IpAllocator::Create(NetworkConfig{"n", "10.0.0.0/29", 6});
  REQUIRE_FALSE(exhausted.ok());
  CHECK_THAT(std::string(exhausted.status().message()), Catch::Contains("leaves no addresses"));
}

TEST_CASE("IPv4 addresses parse and format both ways") {
  // This test verifies that ParseIpv4 and FormatIpv4 agree on valid addresses and ParseIpv4 refuses
  // invalid text.
  CHECK(IpAllocator::ParseIpv4("192.168.122.10") == std::optional<uint32_t>(0xC0A87A0A));
  CHECK(IpAllocator::ParseIpv4("0.0.0.0") == std::optional<uint32_t>(0));
  CHECK(IpAllocator::FormatIpv4(0xC0A87A0A) == "192.168.122.10");
  CHECK(IpAllocator::FormatIpv4(0xFFFFFFFF) == "255.255.255.255");
  for (const char* bad : {"", "1.2.3", "1.2.3.256", "1..2.3", "1.2.3.4 ", "-1.2.3.4", "a.b.c.d",
                          "1.2.3.4/8", "1234.1.1.1"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(IpAllocator::ParseIpv4(bad).has_value());
  }
}

TEST_CASE("an address with a fifth part is not an IPv4 address") {
  // This test verifies that ParseIpv4 refuses text after the fourth part.
  CHECK_FALSE(IpAllocator::ParseIpv4("1.2.3.4.5").has_value());
  CHECK_FALSE(IpAllocator::ParseIpv4("1.2.3.4.").has_value());
  CHECK_FALSE(IpAllocator::Create(NetworkConfig{"n", "10.0.0.0.9/24", 0}).ok());
}

TEST_CASE("the gateway address is never handed out, whatever the reservation") {
  // This test verifies that the gateway is never in the pool, as ip_allocator.h promises (the CIDR
  // minus network, gateway, broadcast and the first `reserved` host addresses).
  testing::StoreFixture f;
  auto ips = IpAllocator::Create(NetworkConfig{"n", "10.0.0.0/24", 0});
  REQUIRE(ips.ok());
  CHECK(ips->PoolSize() == 253);
  auto first = f.WriteValue<std::string>([&](Repositories& repos) { return ips->Allocate(repos); });
  CHECK(first != "10.0.0.1");
}

TEST_CASE("a network config with a malformed prefix or negative reservation is refused") {
  // This test verifies that Create does not accept "/24abc" or a negative
  // `reserved` (which would put the network address itself in the pool).
  CHECK_FALSE(IpAllocator::Create(NetworkConfig{"n", "10.0.0.0/24abc", 0}).ok());
  auto negative = IpAllocator::Create(NetworkConfig{"n", "10.0.0.0/24", -1});
  if (negative.ok()) {
    testing::StoreFixture f;
    auto ip =
        f.WriteValue<std::string>([&](Repositories& repos) { return negative->Allocate(repos); });
    CHECK(ip != "10.0.0.0");
  }
  CHECK_FALSE(negative.ok());
}

TEST_CASE("allocation hands out the lowest address no instance of the network holds") {
  // This test verifies that Allocate skips addresses of this network in use but not other
  // networks', and that an empty pool is InsufficientFreeAddressesInSubnet.
  testing::StoreFixture f;
  auto ips = IpAllocator::Create(NetworkConfig{"net-a", "10.0.0.0/29", 1});  // .3 .. .6
  REQUIRE(ips.ok());
  f.Run([](Repositories& repos) {
    repos.hosts.Upsert(testing::MakeHost("h-00000001", "host-a"));
    repos.instances.Insert(WithIp(1, "net-a", "10.0.0.3"));
    repos.instances.Insert(WithIp(2, "net-a", "10.0.0.5"));
    repos.instances.Insert(WithIp(3, "net-b", "10.0.0.4"));
  });
  auto next = [&] {
    return f.WriteValue<std::string>(
        [&](Repositories& repos) -> absl::StatusOr<std::string> { return ips->Allocate(repos); });
  };
  CHECK(next() == "10.0.0.4");
  f.Run([](Repositories& repos) { repos.instances.Insert(WithIp(4, "net-a", "10.0.0.4")); });
  CHECK(next() == "10.0.0.6");
  f.Run([](Repositories& repos) { repos.instances.Insert(WithIp(5, "net-a", "10.0.0.6")); });

  auto none = f.store().Write(
      [&](Repositories& repos) -> absl::StatusOr<std::string> { return ips->Allocate(repos); });
  REQUIRE_FALSE(none.ok());
  CHECK(ErrorCodeOf(none.status()) == "InsufficientFreeAddressesInSubnet");
  CHECK_THAT(std::string(none.status().message()), Catch::Contains("4 in the pool"));

  f.Run([](Repositories& repos) { repos.instances.SetPrivateIp("i-00000002", ""); });
  CHECK(next() == "10.0.0.5");
}

}  // namespace gureum::controller
