#include "agent/hypervisor/libvirt/domain_xml.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <pugixml.hpp>

namespace gureum::agent {
namespace {

DomainSpec DirectBootSpec() {
  DomainSpec spec;
  spec.instance_id = "i-0123abcd";
  spec.vcpus = 2;
  spec.memory_mib = 768;
  spec.disk_path = "/var/lib/gureum/instances/i-0123abcd/root.qcow2";
  spec.disk_format = "qcow2";
  spec.kernel_path = "/var/lib/gureum/images/k/vmlinuz";
  spec.initrd_path = "/var/lib/gureum/images/k/initrd.img";
  spec.kernel_args = "root=/dev/vda1 ro";
  spec.seed_iso_path = "/var/lib/gureum/instances/i-0123abcd/seed.iso";
  spec.mac_address = "52:54:00:12:34:56";
  spec.network = "gureum-net";
  spec.console_log_path = "/var/lib/gureum/instances/i-0123abcd/console.log";
  spec.metadata = {{"private_ip", "192.168.122.20"}, {"reboot_token", "7"}};
  return spec;
}

DomainSpec DiskBootSpec() {
  DomainSpec spec = DirectBootSpec();
  spec.kernel_path.clear();
  spec.initrd_path.clear();
  spec.kernel_args.clear();
  spec.disk_format = "raw";
  return spec;
}

const DomainXmlOptions kOptions{"qemu", "default"};

pugi::xml_document Build(const DomainSpec& spec, const DomainXmlOptions& options = kOptions) {
  absl::StatusOr<std::string> xml = DomainXml::Build(
      spec, InstanceMetadata::FromSpec(spec, DomainXml::NetworkFor(spec, options)), options);
  REQUIRE(xml.ok());
  pugi::xml_document doc;
  REQUIRE(doc.load_string(xml->c_str()));
  return doc;
}

std::string At(const pugi::xml_document& doc, const char* xpath) {
  pugi::xpath_node node = doc.select_node(xpath);
  if (!node) return "<absent>";
  return node.attribute() ? node.attribute().value() : node.node().text().get();
}

TEST_CASE("a direct-boot domain gets its kernel and initrd and a serial command line") {
  // This test verifies the identity, sizing and <os> of a direct-boot domain:
  // name, title, type, memory, vCPUs, i440fx machine, kernel/initrd, and a
  // command line that keeps the spec's arguments and adds console=ttyS0.
  pugi::xml_document doc = Build(DirectBootSpec());
  CHECK(At(doc, "/domain/@type") == "qemu");
  CHECK(At(doc, "/domain/name") == "gureum-i-0123abcd");
  CHECK(At(doc, "/domain/title") == "Gureum instance i-0123abcd");
  CHECK(At(doc, "/domain/memory") == "768");
  CHECK(At(doc, "/domain/memory/@unit") == "MiB");
  CHECK(At(doc, "/domain/vcpu") == "2");
  CHECK(At(doc, "/domain/os/type") == "hvm");
  CHECK(At(doc, "/domain/os/type/@arch") == "x86_64");
  CHECK(At(doc, "/domain/os/type/@machine") == "pc");
  CHECK(At(doc, "/domain/os/kernel") == "/var/lib/gureum/images/k/vmlinuz");
  CHECK(At(doc, "/domain/os/initrd") == "/var/lib/gureum/images/k/initrd.img");
  CHECK(At(doc, "/domain/os/cmdline") == "root=/dev/vda1 ro console=ttyS0");
  CHECK(At(doc, "/domain/os/boot") == "<absent>");
  CHECK(doc.select_node("/domain/features/acpi"));
  CHECK(doc.select_node("/domain/features/apic"));
  CHECK(At(doc, "/domain/on_poweroff") == "destroy");
  CHECK(At(doc, "/domain/on_reboot") == "restart");
  CHECK(At(doc, "/domain/cpu") == "<absent>");
}

TEST_CASE("a command line that already names the serial console is kept as is") {
  // This test verifies that console=ttyS0 is not added twice, and that an
  // empty command line becomes just the serial console.
  DomainSpec spec = DirectBootSpec();
  spec.kernel_args = "console=ttyS0,115200 quiet";
  CHECK(At(Build(spec), "/domain/os/cmdline") == "console=ttyS0,115200 quiet");
  spec.kernel_args.clear();
  CHECK(At(Build(spec), "/domain/os/cmdline") == "console=ttyS0");
}

TEST_CASE("a disk-boot domain boots from its virtio root disk") {
  // This test verifies that without a kernel the domain boots dev=hd from a
  // virtio disk of the spec's format.
  pugi::xml_document doc = Build(DiskBootSpec());
  CHECK(At(doc, "/domain/os/boot/@dev") == "hd");
  CHECK(At(doc, "/domain/os/kernel") == "<absent>");
  CHECK(At(doc, "/domain/os/cmdline") == "<absent>");
  CHECK(At(doc, "/domain/devices/disk[@device='disk']/driver/@type") == "raw");
  CHECK(At(doc, "/domain/devices/disk[@device='disk']/source/@file") ==
        "/var/lib/gureum/instances/i-0123abcd/root.qcow2");
  CHECK(At(doc, "/domain/devices/disk[@device='disk']/target/@bus") == "virtio");
  CHECK(At(doc, "/domain/devices/disk[@device='disk']/target/@dev") == "vda");
}

TEST_CASE("the seed ISO is a read-only IDE cdrom") {
  // This test verifies the cdrom: raw, read-only, on the IDE bus that the
  // Debian cloud kernel can see (it has ata_piix but no AHCI).
  pugi::xml_document doc = Build(DirectBootSpec());
  CHECK(At(doc, "/domain/devices/disk[@device='cdrom']/source/@file") ==
        "/var/lib/gureum/instances/i-0123abcd/seed.iso");
  CHECK(At(doc, "/domain/devices/disk[@device='cdrom']/target/@bus") == "ide");
  CHECK(At(doc, "/domain/devices/disk[@device='cdrom']/driver/@type") == "raw");
  CHECK(doc.select_node("/domain/devices/disk[@device='cdrom']/readonly"));
  DomainSpec no_seed = DirectBootSpec();
  no_seed.seed_iso_path.clear();
  CHECK_FALSE(Build(no_seed).select_node("/domain/devices/disk[@device='cdrom']"));
}

TEST_CASE("the NIC joins the spec's network with the spec's MAC on virtio") {
  // This test verifies the interface, and that a spec without a network
  // falls back to the default network while one without MAC and network
  // gets no NIC.
  pugi::xml_document doc = Build(DirectBootSpec());
  CHECK(At(doc, "/domain/devices/interface/@type") == "network");
  CHECK(At(doc, "/domain/devices/interface/mac/@address") == "52:54:00:12:34:56");
  CHECK(At(doc, "/domain/devices/interface/source/@network") == "gureum-net");
  CHECK(At(doc, "/domain/devices/interface/model/@type") == "virtio");
  DomainSpec defaulted = DirectBootSpec();
  defaulted.network.clear();
  CHECK(At(Build(defaulted), "/domain/devices/interface/source/@network") == "default");
  DomainSpec without = DirectBootSpec();
  without.network.clear();
  without.mac_address.clear();
  without.metadata.erase("private_ip");
  CHECK_FALSE(Build(without).select_node("/domain/devices/interface"));
}

TEST_CASE("the serial console is logged to the instance's console log and there is no graphics") {
  // This test verifies the pty serial port with its append-mode log file,
  // the console bound to it, and the absence of graphics and video.
  pugi::xml_document doc = Build(DirectBootSpec());
  CHECK(At(doc, "/domain/devices/serial/@type") == "pty");
  CHECK(At(doc, "/domain/devices/serial/log/@file") ==
        "/var/lib/gureum/instances/i-0123abcd/console.log");
  CHECK(At(doc, "/domain/devices/serial/log/@append") == "on");
  CHECK(At(doc, "/domain/devices/serial/target/@port") == "0");
  CHECK(At(doc, "/domain/devices/console/target/@type") == "serial");
  CHECK_FALSE(doc.select_node("/domain/devices/graphics"));
  CHECK_FALSE(doc.select_node("/domain/devices/video"));
}

TEST_CASE("the domain carries Gureum's metadata and it parses back") {
  // This test verifies that the <metadata> element marks the domain as
  // Gureum's and holds the id, console log, reservation and key/values.
  const DomainSpec spec = DirectBootSpec();
  absl::StatusOr<std::string> xml =
      DomainXml::Build(spec, InstanceMetadata::FromSpec(spec, spec.network), kOptions);
  REQUIRE(xml.ok());
  absl::StatusOr<InstanceMetadata> metadata = InstanceMetadata::FromDomainXml(*xml);
  REQUIRE(metadata.ok());
  CHECK(metadata->instance_id == "i-0123abcd");
  CHECK(metadata->console_log_path == spec.console_log_path);
  CHECK(metadata->dhcp_network == "gureum-net");
  CHECK(metadata->dhcp_mac == "52:54:00:12:34:56");
  CHECK(metadata->dhcp_ip == "192.168.122.20");
  CHECK(metadata->values == spec.metadata);
}

TEST_CASE("a kvm domain asks for the host CPU model") {
  // This test verifies that the virt type becomes the domain type and that
  // kvm guests get cpu mode host-model.
  pugi::xml_document doc = Build(DirectBootSpec(), {"kvm", "default"});
  CHECK(At(doc, "/domain/@type") == "kvm");
  CHECK(At(doc, "/domain/cpu/@mode") == "host-model");
}

TEST_CASE("the built domain XML is valid against libvirt's schema") {
  // This test verifies with libvirt's own virt-xml-validate that both
  // variants are domains libvirt accepts.
  for (const DomainSpec& spec : {DirectBootSpec(), DiskBootSpec()}) {
    absl::StatusOr<std::string> xml =
        DomainXml::Build(spec, InstanceMetadata::FromSpec(spec, spec.network), kOptions);
    REQUIRE(xml.ok());
    const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                       ("gureum-domain-xml-" + std::to_string(getpid()) + ".xml");
    std::ofstream(path) << *xml;
    const int rc =
        std::system(("virt-xml-validate '" + path.string() + "' domain > /dev/null 2>&1").c_str());
    std::filesystem::remove(path);
    INFO(*xml);
    CHECK(rc == 0);
  }
}

TEST_CASE("unusable specs are refused with InvalidArgument") {
  // This test verifies the validation rules, each on an otherwise good spec.
  auto invalid = [](void (*mutate)(DomainSpec&)) {
    DomainSpec spec = DirectBootSpec();
    mutate(spec);
    return absl::IsInvalidArgument(DomainXml::Validate(spec));
  };
  CHECK(DomainXml::Validate(DirectBootSpec()).ok());
  CHECK(DomainXml::Validate(DiskBootSpec()).ok());
  CHECK(invalid([](DomainSpec& s) { s.instance_id = ""; }));
  CHECK(invalid([](DomainSpec& s) { s.instance_id = "i-1/../x"; }));
  CHECK(invalid([](DomainSpec& s) { s.instance_id = "i 1"; }));
  CHECK(invalid([](DomainSpec& s) { s.vcpus = 0; }));
  CHECK(invalid([](DomainSpec& s) { s.memory_mib = 8; }));
  CHECK(invalid([](DomainSpec& s) {
    s.disk_path.clear();
    s.kernel_path.clear();
  }));
  CHECK(invalid([](DomainSpec& s) { s.disk_path = "relative/root.qcow2"; }));
  CHECK(invalid([](DomainSpec& s) { s.disk_format = "vmdk"; }));
  CHECK(invalid([](DomainSpec& s) { s.console_log_path = "console.log"; }));
  CHECK(invalid([](DomainSpec& s) {
    s.kernel_path.clear();
    s.initrd_path = "/x";
  }));
  CHECK(invalid([](DomainSpec& s) { s.mac_address = "52:54:00:12:34"; }));
  CHECK(invalid([](DomainSpec& s) { s.mac_address = "53:54:00:12:34:56"; }));  // multicast
  CHECK(invalid([](DomainSpec& s) { s.mac_address = "52:54:00:12:34:zz"; }));
  CHECK(invalid([](DomainSpec& s) { s.metadata["private_ip"] = "192.168.122"; }));
  CHECK(invalid([](DomainSpec& s) { s.mac_address.clear(); }));  // private_ip needs a MAC
  CHECK(invalid([](DomainSpec& s) { s.metadata[""] = "v"; }));
  CHECK(absl::IsInvalidArgument(DomainXml::Build(DirectBootSpec(),
                                                 InstanceMetadata::FromSpec(DirectBootSpec(), ""),
                                                 {"xen", "default"})
                                    .status()));
}

TEST_CASE("domain names map to instance ids and back") {
  // This test verifies the naming rule and that other names carry no id.
  CHECK(DomainXml::DomainName("i-42") == "gureum-i-42");
  CHECK(DomainXml::InstanceIdFromDomainName("gureum-i-42") == "i-42");
  CHECK_FALSE(DomainXml::InstanceIdFromDomainName("gureum-").has_value());
  CHECK_FALSE(DomainXml::InstanceIdFromDomainName("web-1").has_value());
}

}  // namespace
}  // namespace gureum::agent
