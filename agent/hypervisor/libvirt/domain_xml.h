// DomainXml: the libvirt domain XML for a DomainSpec, built with pugixml
// (never by pasting strings), and the naming rule that ties a domain to its
// instance. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "agent/hypervisor/driver.h"
#include "agent/hypervisor/libvirt/instance_metadata.h"

namespace gureum::agent {

struct DomainXmlOptions {
  std::string virt_type = "qemu";           // libvirt domain type: "kvm" | "qemu"
  std::string default_network = "default";  // when the spec names none
};

class DomainXml {
 public:
  // "gureum-<instance_id>".
  static std::string DomainName(const std::string& instance_id);
  // The instance id in a Gureum domain name; nullopt for other names.
  static std::optional<std::string> InstanceIdFromDomainName(const std::string& domain_name);

  // InvalidArgument, naming the field, if a spec cannot make a bootable
  // domain: bad id characters, no disk and no kernel, relative paths, a
  // malformed MAC or private_ip, ...
  static absl::Status Validate(const DomainSpec& spec);

  // The network a spec's NIC attaches to, or "" when it gets no NIC (neither
  // a MAC nor a network given).
  static std::string NetworkFor(const DomainSpec& spec, const DomainXmlOptions& options);

  // The full domain XML: i440fx "pc" machine, ACPI, direct kernel boot or boot
  // from the virtio root disk, the seed ISO as a read-only IDE cdrom (the
  // Debian cloud kernel has ata_piix but no AHCI, so no SATA on q35), a
  // virtio NIC, a serial console logged to console_log_path, no graphics.
  // Validates the spec first.
  static absl::StatusOr<std::string> Build(const DomainSpec& spec, const InstanceMetadata& metadata,
                                           const DomainXmlOptions& options);
};

}  // namespace gureum::agent
