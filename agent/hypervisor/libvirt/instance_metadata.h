// InstanceMetadata: what Gureum keeps in a domain's <metadata> element, in its
// own XML namespace. Its presence marks a domain as Gureum's (domains without
// it are never listed or touched), and it carries what the driver must know
// after an agent restart. A value type with pugixml (de)serialization;
// thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <absl/status/statusor.h>
#include <pugixml.hpp>

#include "agent/hypervisor/driver.h"

namespace gureum::agent {

inline constexpr char kGureumXmlNamespace[] = "https://gureum.dev/xmlns/instance/1";
inline constexpr char kGureumXmlPrefix[] = "gureum";
// The spec.metadata key whose value, with a MAC, becomes a DHCP reservation.
inline constexpr char kPrivateIpKey[] = "private_ip";

struct InstanceMetadata {
  std::string instance_id;
  // Which agent manages the domain (LibvirtDriverOptions::owner): agents that
  // share a libvirt daemon (tests, or a host running two) leave each other's
  // domains alone. Empty on domains defined without one.
  std::string owner;
  // Where the serial console is logged; kept here so ConsoleOutput works after
  // an agent restart without parsing the domain XML.
  std::string console_log_path;
  // When the driver last started the domain (ms since the epoch; 0 = never).
  int64_t started_ms = 0;
  // The DHCP reservation made for this domain (empty ip = none), so Undefine
  // can remove exactly it even after the key/values were replaced.
  std::string dhcp_network;
  std::string dhcp_mac;
  std::string dhcp_ip;
  // DomainSpec::metadata, replaced wholesale by SetMetadata.
  std::map<std::string, std::string> values;

  // The metadata a new domain gets from its spec; network is the one the NIC
  // is attached to (after defaults). A reservation is recorded when the spec
  // has a MAC and values[kPrivateIpKey].
  static InstanceMetadata FromSpec(const DomainSpec& spec, const std::string& network);

  // Appends <gureum:instance xmlns:gureum="..."> with children to parent, as
  // it appears inside a domain's <metadata>.
  void AppendTo(pugi::xml_node parent) const;

  // The element without prefix or namespace, as virDomainSetMetadata wants it
  // (libvirt applies the namespace and prefix it is given).
  std::string ToUnqualifiedXml() const;

  // Parses the element, with or without the namespace prefix (libvirt returns
  // it unprefixed from virDomainGetMetadata). InvalidArgument if malformed.
  static absl::StatusOr<InstanceMetadata> Parse(const std::string& xml);

  // Finds and parses Gureum's element in a full domain XML. NotFound if the
  // domain carries none (it is not Gureum's).
  static absl::StatusOr<InstanceMetadata> FromDomainXml(const std::string& domain_xml);

  bool operator==(const InstanceMetadata&) const = default;
};

}  // namespace gureum::agent
