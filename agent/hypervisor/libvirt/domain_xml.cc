#include "agent/hypervisor/libvirt/domain_xml.h"

#include <arpa/inet.h>

#include <cctype>
#include <sstream>

#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>
#include <pugixml.hpp>

namespace gureum::agent {
namespace {

constexpr char kDomainNamePrefix[] = "gureum-";

absl::Status Invalid(const std::string& field, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("domain spec ", field, ": ", why));
}

bool IsMacAddress(const std::string& mac) {
  std::vector<std::string> octets = absl::StrSplit(mac, ':');
  if (octets.size() != 6) return false;
  for (const std::string& octet : octets) {
    if (octet.size() != 2 || !std::isxdigit(static_cast<unsigned char>(octet[0])) ||
        !std::isxdigit(static_cast<unsigned char>(octet[1]))) {
      return false;
    }
  }
  // A guest NIC needs a unicast address: the group bit of the first octet clear.
  return (std::stoi(octets[0], nullptr, 16) & 1) == 0;
}

bool IsIpv4Address(const std::string& ip) {
  in_addr addr{};
  return inet_pton(AF_INET, ip.c_str(), &addr) == 1;
}

absl::Status CheckAbsolute(const std::string& field, const std::string& path) {
  if (!path.empty() && path.front() != '/') return Invalid(field, "'" + path + "' is not absolute");
  return absl::OkStatus();
}

void AddText(pugi::xml_node parent, const char* name, const std::string& text) {
  parent.append_child(name).text().set(text.c_str());
}

pugi::xml_node AddDisk(pugi::xml_node devices, const char* device, const std::string& format,
                       const std::string& path, const char* target_dev, const char* bus) {
  pugi::xml_node disk = devices.append_child("disk");
  disk.append_attribute("type").set_value("file");
  disk.append_attribute("device").set_value(device);
  pugi::xml_node driver = disk.append_child("driver");
  driver.append_attribute("name").set_value("qemu");
  driver.append_attribute("type").set_value(format.c_str());
  disk.append_child("source").append_attribute("file").set_value(path.c_str());
  pugi::xml_node target = disk.append_child("target");
  target.append_attribute("dev").set_value(target_dev);
  target.append_attribute("bus").set_value(bus);
  return disk;
}

std::string KernelCommandLine(const std::string& kernel_args) {
  // The serial console is where ConsoleOutput reads from; without console=ttyS0
  // the kernel would print to the (absent) VGA console.
  for (absl::string_view arg : absl::StrSplit(kernel_args, ' ', absl::SkipEmpty())) {
    if (absl::StartsWith(arg, "console=ttyS0")) return kernel_args;
  }
  return kernel_args.empty() ? std::string("console=ttyS0") : kernel_args + " console=ttyS0";
}

}  // namespace

std::string DomainXml::DomainName(const std::string& instance_id) {
  return kDomainNamePrefix + instance_id;
}

std::optional<std::string> DomainXml::InstanceIdFromDomainName(const std::string& domain_name) {
  if (!absl::StartsWith(domain_name, kDomainNamePrefix) ||
      domain_name.size() == sizeof(kDomainNamePrefix) - 1) {
    return std::nullopt;
  }
  return domain_name.substr(sizeof(kDomainNamePrefix) - 1);
}

absl::Status DomainXml::Validate(const DomainSpec& spec) {
  if (spec.instance_id.empty()) return Invalid("instance_id", "empty");
  if (spec.instance_id.size() > 64) return Invalid("instance_id", "longer than 64 characters");
  for (char c : spec.instance_id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return Invalid("instance_id",
                     "'" + spec.instance_id + "' has characters other than [A-Za-z0-9._-]");
    }
  }
  if (spec.vcpus < 1 || spec.vcpus > 255) {
    return Invalid("vcpus", absl::StrCat(spec.vcpus, " is outside 1..255"));
  }
  if (spec.memory_mib < 16 || spec.memory_mib > (int64_t{1} << 22)) {
    return Invalid("memory_mib", absl::StrCat(spec.memory_mib, " is outside 16..4194304"));
  }
  if (spec.disk_path.empty() && spec.kernel_path.empty()) {
    return Invalid("disk_path", "neither a root disk nor a kernel to boot");
  }
  for (const auto& [field, path] :
       {std::pair<const char*, const std::string&>{"disk_path", spec.disk_path},
        {"kernel_path", spec.kernel_path},
        {"initrd_path", spec.initrd_path},
        {"seed_iso_path", spec.seed_iso_path},
        {"console_log_path", spec.console_log_path}}) {
    if (absl::Status status = CheckAbsolute(field, path); !status.ok()) return status;
  }
  if (!spec.disk_path.empty() && spec.disk_format != "qcow2" && spec.disk_format != "raw") {
    return Invalid("disk_format", "'" + spec.disk_format + "' is neither qcow2 nor raw");
  }
  if (spec.kernel_path.empty() && (!spec.initrd_path.empty() || !spec.kernel_args.empty())) {
    return Invalid("kernel_path", "initrd or kernel arguments given without a kernel");
  }
  if (!spec.mac_address.empty() && !IsMacAddress(spec.mac_address)) {
    return Invalid("mac_address", "'" + spec.mac_address + "' is not a unicast MAC address");
  }
  auto ip = spec.metadata.find(kPrivateIpKey);
  if (ip != spec.metadata.end() && !ip->second.empty()) {
    if (!IsIpv4Address(ip->second)) {
      return Invalid(kPrivateIpKey, "'" + ip->second + "' is not an IPv4 address");
    }
    if (spec.mac_address.empty()) return Invalid(kPrivateIpKey, "given without a mac_address");
  }
  for (const auto& [key, value] : spec.metadata) {
    if (key.empty()) return Invalid("metadata", "empty key");
  }
  return absl::OkStatus();
}

std::string DomainXml::NetworkFor(const DomainSpec& spec, const DomainXmlOptions& options) {
  if (!spec.network.empty()) return spec.network;
  return spec.mac_address.empty() ? std::string() : options.default_network;
}

absl::StatusOr<std::string> DomainXml::Build(const DomainSpec& spec,
                                             const InstanceMetadata& metadata,
                                             const DomainXmlOptions& options) {
  if (absl::Status status = Validate(spec); !status.ok()) return status;
  if (options.virt_type != "kvm" && options.virt_type != "qemu") {
    return absl::InvalidArgumentError("virt type must be kvm or qemu, not '" + options.virt_type +
                                      "'");
  }
  if (metadata.instance_id != spec.instance_id) {
    return absl::InvalidArgumentError("metadata is for instance '" + metadata.instance_id +
                                      "', spec for '" + spec.instance_id + "'");
  }

  pugi::xml_document doc;
  pugi::xml_node domain = doc.append_child("domain");
  domain.append_attribute("type").set_value(options.virt_type.c_str());
  AddText(domain, "name", DomainName(spec.instance_id));
  AddText(domain, "title", "Gureum instance " + spec.instance_id);
  metadata.AppendTo(domain.append_child("metadata"));

  pugi::xml_node memory = domain.append_child("memory");
  memory.append_attribute("unit").set_value("MiB");
  memory.text().set(std::to_string(spec.memory_mib).c_str());
  AddText(domain, "vcpu", std::to_string(spec.vcpus));

  pugi::xml_node os = domain.append_child("os");
  pugi::xml_node type = os.append_child("type");
  type.append_attribute("arch").set_value("x86_64");
  type.append_attribute("machine").set_value("pc");
  type.text().set("hvm");
  if (!spec.kernel_path.empty()) {
    AddText(os, "kernel", spec.kernel_path);
    if (!spec.initrd_path.empty()) AddText(os, "initrd", spec.initrd_path);
    AddText(os, "cmdline", KernelCommandLine(spec.kernel_args));
  } else {
    os.append_child("boot").append_attribute("dev").set_value("hd");
  }

  pugi::xml_node features = domain.append_child("features");
  features.append_child("acpi");
  features.append_child("apic");
  if (options.virt_type == "kvm") {
    // Only reached when auto found real CPU models (or an operator forced
    // kvm): give the guest the host's features, as Nova's default does.
    domain.append_child("cpu").append_attribute("mode").set_value("host-model");
  }
  domain.append_child("clock").append_attribute("offset").set_value("utc");
  AddText(domain, "on_poweroff", "destroy");
  AddText(domain, "on_reboot", "restart");
  AddText(domain, "on_crash", "destroy");

  pugi::xml_node devices = domain.append_child("devices");
  if (!spec.disk_path.empty()) {
    AddDisk(devices, "disk", spec.disk_format, spec.disk_path, "vda", "virtio");
  }
  if (!spec.seed_iso_path.empty()) {
    pugi::xml_node cdrom = AddDisk(devices, "cdrom", "raw", spec.seed_iso_path, "hdc", "ide");
    cdrom.append_child("readonly");
  }
  const std::string network = NetworkFor(spec, options);
  if (!network.empty()) {
    pugi::xml_node nic = devices.append_child("interface");
    nic.append_attribute("type").set_value("network");
    if (!spec.mac_address.empty()) {
      nic.append_child("mac").append_attribute("address").set_value(spec.mac_address.c_str());
    }
    nic.append_child("source").append_attribute("network").set_value(network.c_str());
    nic.append_child("model").append_attribute("type").set_value("virtio");
  }
  pugi::xml_node serial = devices.append_child("serial");
  serial.append_attribute("type").set_value("pty");
  if (!spec.console_log_path.empty()) {
    // virtlogd writes every byte of the console here, across restarts.
    pugi::xml_node log = serial.append_child("log");
    log.append_attribute("file").set_value(spec.console_log_path.c_str());
    log.append_attribute("append").set_value("on");
  }
  serial.append_child("target").append_attribute("port").set_value("0");
  pugi::xml_node console = devices.append_child("console");
  console.append_attribute("type").set_value("pty");
  pugi::xml_node console_target = console.append_child("target");
  console_target.append_attribute("type").set_value("serial");
  console_target.append_attribute("port").set_value("0");

  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default | pugi::format_no_declaration);
  return out.str();
}

}  // namespace gureum::agent
