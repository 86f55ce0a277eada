// End-to-end: libvirt networks and DHCP reservations through the driver.
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>

#include <absl/strings/ascii.h>
#include "tests/e2e/libvirt/e2e_env.h"
#include "tests/e2e/libvirt/tiny_guest_image.h"
#include "tests/support/raw_connection.h"
#include "tests/support/test_network.h"

namespace gureum::agent::testing {
namespace {

// The persistent definition, read behind the driver's back.
std::string PersistentXml(const RawConnection& raw, const std::string& name) {
  virNetworkPtr network = virNetworkLookupByName(raw.get(), name.c_str());
  REQUIRE(network != nullptr);
  char* xml = virNetworkGetXMLDesc(network, VIR_NETWORK_XML_INACTIVE);
  std::string out = xml != nullptr ? xml : "";
  free(xml);
  virNetworkFree(network);
  return out;
}

TEST_CASE("a libvirt network is started on demand and keeps DHCP reservations idempotently") {
  // This test verifies that EnsureActive starts and autostarts an inactive
  // network, that a reservation lands in the live and persistent definitions,
  // that adding it again is harmless while conflicting ones are refused, and
  // that removing it (twice) leaves nothing behind.
  RawConnection raw;
  E2eEnv env;
  TestNetwork test_network(raw, env.suffix);
  LibvirtNetwork& network = env.driver->Network(test_network.name());

  CHECK_FALSE(test_network.IsActive());
  REQUIRE(network.EnsureActive().ok());
  CHECK(test_network.IsActive());
  CHECK(test_network.IsAutostart());
  REQUIRE(network.EnsureActive().ok());

  absl::StatusOr<NetworkConfig> config = network.Config();
  REQUIRE(config.ok());
  CHECK(config->address == test_network.Ip(1));
  CHECK(config->prefix == 24);
  CHECK(config->dhcp_start == test_network.Ip(100));
  CHECK(config->forward_mode.empty());

  const DhcpHost host{env.NewMac(), test_network.Ip(60), "i-reserved"};
  REQUIRE(network.AddDhcpHost(host).ok());
  REQUIRE(network.AddDhcpHost(host).ok());
  DhcpHost upper = host;
  upper.mac = absl::AsciiStrToUpper(host.mac);
  REQUIRE(network.AddDhcpHost(upper).ok());
  absl::StatusOr<std::vector<DhcpHost>> hosts = network.ListDhcpHosts();
  REQUIRE(hosts.ok());
  CHECK(*hosts == std::vector<DhcpHost>{host});
  CHECK(PersistentXml(raw, test_network.name()).find(host.mac) != std::string::npos);

  CHECK(absl::IsAlreadyExists(network.AddDhcpHost({host.mac, test_network.Ip(61), "other"})));
  CHECK(absl::IsAlreadyExists(network.AddDhcpHost({env.NewMac(), host.ip, "other"})));
  CHECK(absl::IsInvalidArgument(network.AddDhcpHost({env.NewMac(), "192.0.2.7", "outside"})));

  REQUIRE(network.RemoveDhcpHost(host.mac).ok());
  REQUIRE(network.RemoveDhcpHost(host.mac).ok());
  hosts = network.ListDhcpHosts();
  REQUIRE(hosts.ok());
  CHECK(hosts->empty());
  CHECK(PersistentXml(raw, test_network.name()).find(host.mac) == std::string::npos);

  CHECK(absl::IsNotFound(env.driver->Network("gureum-e2e-missing-" + env.suffix).EnsureActive()));
}

TEST_CASE("a network with a dnsmasq hosts directory keeps reservations there as files") {
  // This test verifies that on a network whose XML gives dnsmasq a
  // dhcp-hostsdir, a reservation is a file in that directory and not an
  // entry of the network's definition (no virNetworkUpdate), that the same
  // conflicts are refused, and that removing it deletes the file.
  RawConnection raw;
  E2eEnv env;
  const std::string dir = "/tmp/gureum-e2e-dhcp-" + env.suffix;
  TestNetwork test_network(raw, env.suffix, dir);
  LibvirtNetwork& network = env.driver->Network(test_network.name());
  REQUIRE(network.EnsureActive().ok());
  absl::StatusOr<NetworkConfig> config = network.Config();
  REQUIRE(config.ok());
  CHECK(config->hosts_dir == dir);

  const DhcpHost host{env.NewMac(), test_network.Ip(60), "i-reserved"};
  REQUIRE(network.AddDhcpHost(host).ok());
  REQUIRE(network.AddDhcpHost(host).ok());
  std::string file = dir + "/" + host.mac;
  std::replace(file.begin() + static_cast<std::ptrdiff_t>(dir.size()), file.end(), ':', '-');
  CHECK(std::filesystem::exists(file));
  absl::StatusOr<std::vector<DhcpHost>> hosts = network.ListDhcpHosts();
  REQUIRE(hosts.ok());
  CHECK(*hosts == std::vector<DhcpHost>{host});
  CHECK(test_network.Xml().find(host.mac) == std::string::npos);
  CHECK(PersistentXml(raw, test_network.name()).find(host.mac) == std::string::npos);

  CHECK(absl::IsAlreadyExists(network.AddDhcpHost({host.mac, test_network.Ip(61), "other"})));
  CHECK(absl::IsAlreadyExists(network.AddDhcpHost({env.NewMac(), host.ip, "other"})));
  CHECK(absl::IsInvalidArgument(network.AddDhcpHost({env.NewMac(), "192.0.2.7", "outside"})));

  REQUIRE(network.RemoveDhcpHost(host.mac).ok());
  REQUIRE(network.RemoveDhcpHost(host.mac).ok());
  CHECK_FALSE(std::filesystem::exists(file));
  hosts = network.ListDhcpHosts();
  REQUIRE(hosts.ok());
  CHECK(hosts->empty());
}

TEST_CASE("a libvirt Start whose reservation is refused leaves the guest powered off") {
  // This test verifies that Start, which makes the DHCP reservation while QEMU
  // starts paused, powers the guest off again when the reservation cannot be
  // made (here: the IP is already reserved for another MAC), so no guest runs
  // without its address; that Define reserves nothing; and that a missing
  // network fails Define with FailedPrecondition.
  RawConnection raw;
  E2eEnv env;
  TestNetwork test_network(raw, env.suffix);
  LibvirtNetwork& network = env.driver->Network(test_network.name());
  REQUIRE(network.EnsureActive().ok());
  const DhcpHost taken{env.NewMac(), test_network.Ip(70), "taken"};
  REQUIRE(network.AddDhcpHost(taken).ok());
  const TinyGuestImage image = TinyGuestImage::Build(env.dir.path() / "image", env.suffix);

  DomainSpec spec;
  spec.instance_id = env.NewInstanceId();
  spec.kernel_path = image.kernel_path;
  spec.initrd_path = image.initrd_path;
  spec.memory_mib = 128;
  spec.mac_address = env.NewMac();
  spec.network = test_network.name();
  spec.metadata = {{"private_ip", taken.ip}};
  REQUIRE(env.driver->Define(spec).ok());
  absl::StatusOr<std::vector<DhcpHost>> hosts = network.ListDhcpHosts();
  REQUIRE(hosts.ok());
  CHECK(*hosts == std::vector<DhcpHost>{taken});

  const absl::Status started = env.driver->Start(spec.instance_id);
  CHECK(absl::IsAlreadyExists(started));
  CHECK_THAT(std::string(started.message()), Catch::Contains(taken.ip));
  absl::StatusOr<DomainInfo> info = env.driver->Info(spec.instance_id);
  REQUIRE(info.ok());
  CHECK(info->state == PowerState::kShutoff);
  hosts = network.ListDhcpHosts();
  REQUIRE(hosts.ok());
  CHECK(*hosts == std::vector<DhcpHost>{taken});
  REQUIRE(env.driver->Undefine(spec.instance_id).ok());
  CHECK_FALSE(raw.DomainExists("gureum-" + spec.instance_id));

  spec.network = "gureum-e2e-missing-" + env.suffix;
  CHECK(absl::IsFailedPrecondition(env.driver->Define(spec)));
  CHECK_FALSE(raw.DomainExists("gureum-" + spec.instance_id));
  REQUIRE(network.RemoveDhcpHost(taken.mac).ok());
}

TEST_CASE("a libvirt Start finishes a guest an interrupted start left paused") {
  // This test verifies the state an agent killed between QEMU's paused start
  // and the resume leaves behind (QEMU up with its vCPUs stopped, no DHCP
  // reservation yet): the driver reports it paused, not running, and Start
  // makes the reservation and resumes that same QEMU, so the guest boots once.
  RawConnection raw;
  E2eEnv env;
  TestNetwork test_network(raw, env.suffix);
  LibvirtNetwork& network = env.driver->Network(test_network.name());
  const TinyGuestImage image = TinyGuestImage::Build(env.dir.path() / "image", env.suffix);

  DomainSpec spec;
  spec.instance_id = env.NewInstanceId();
  spec.kernel_path = image.kernel_path;
  spec.initrd_path = image.initrd_path;
  spec.kernel_args = "quiet";
  spec.memory_mib = 128;
  spec.mac_address = env.NewMac();
  spec.network = test_network.name();
  spec.console_log_path = (env.dir.path() / "console.log").string();
  spec.metadata = {{"private_ip", test_network.Ip(71)}};
  REQUIRE(env.driver->Define(spec).ok());
  const std::string name = "gureum-" + spec.instance_id;
  virDomainPtr domain = virDomainLookupByName(raw.get(), name.c_str());
  REQUIRE(domain != nullptr);
  REQUIRE(virDomainCreateWithFlags(domain, VIR_DOMAIN_START_PAUSED) == 0);
  const unsigned int qemu_id = virDomainGetID(domain);
  virDomainFree(domain);

  absl::StatusOr<DomainInfo> info = env.driver->Info(spec.instance_id);
  REQUIRE(info.ok());
  CHECK(info->state == PowerState::kPaused);
  absl::StatusOr<std::vector<DhcpHost>> hosts = network.ListDhcpHosts();
  REQUIRE(hosts.ok());
  CHECK(hosts->empty());

  REQUIRE(env.driver->Start(spec.instance_id).ok());
  info = env.driver->Info(spec.instance_id);
  REQUIRE(info.ok());
  CHECK(info->state == PowerState::kRunning);
  hosts = network.ListDhcpHosts();
  REQUIRE(hosts.ok());
  CHECK(*hosts == std::vector<DhcpHost>{{spec.mac_address, test_network.Ip(71), spec.instance_id}});
  domain = virDomainLookupByName(raw.get(), name.c_str());
  REQUIRE(domain != nullptr);
  CHECK(virDomainGetID(domain) == qemu_id);  // the same QEMU, resumed
  virDomainFree(domain);
  CHECK(WaitFor(
      [&] {
        absl::StatusOr<std::string> console = env.driver->ConsoleOutput(spec.instance_id, 1 << 20);
        return console.ok() && CountOf(*console, "GUREUM-E2E boot") == 1;
      },
      std::chrono::seconds(90)));
  CHECK(absl::IsFailedPrecondition(env.driver->Start(spec.instance_id)));
  REQUIRE(env.driver->Undefine(spec.instance_id).ok());
}

}  // namespace
}  // namespace gureum::agent::testing
