#include "agent/hypervisor/libvirt/instance_metadata.h"

#include <sstream>
#include <string_view>

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>

namespace gureum::agent {
namespace {

// pugixml is not namespace-aware: compare names without their prefix.
std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

absl::StatusOr<InstanceMetadata> ParseElement(const pugi::xml_node& root) {
  if (LocalName(root) != "instance") {
    return absl::InvalidArgumentError(
        absl::StrCat("Gureum metadata root is <", root.name(), ">, want <instance>"));
  }
  InstanceMetadata metadata;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string_view name = LocalName(child);
    if (name == "id") {
      metadata.instance_id = child.child_value();
    } else if (name == "owner") {
      metadata.owner = child.child_value();
    } else if (name == "console-log") {
      metadata.console_log_path = child.child_value();
    } else if (name == "started-ms") {
      if (!absl::SimpleAtoi(child.child_value(), &metadata.started_ms)) {
        return absl::InvalidArgumentError(
            absl::StrCat("Gureum metadata started-ms '", child.child_value(), "' is not a number"));
      }
    } else if (name == "dhcp") {
      metadata.dhcp_network = child.attribute("network").value();
      metadata.dhcp_mac = child.attribute("mac").value();
      metadata.dhcp_ip = child.attribute("ip").value();
    } else if (name == "meta") {
      const std::string key = child.attribute("key").value();
      if (key.empty()) return absl::InvalidArgumentError("Gureum metadata <meta> without key");
      metadata.values[key] = child.child_value();
    }
    // Unknown elements come from a newer agent: ignore them rather than fail.
  }
  if (metadata.instance_id.empty()) {
    return absl::InvalidArgumentError("Gureum metadata carries no instance id");
  }
  return metadata;
}

// Writes the children; `prefix` is "gureum:" or "".
void AppendChildren(const InstanceMetadata& metadata, pugi::xml_node root,
                    const std::string& prefix) {
  root.append_child((prefix + "id").c_str()).text().set(metadata.instance_id.c_str());
  if (!metadata.owner.empty()) {
    root.append_child((prefix + "owner").c_str()).text().set(metadata.owner.c_str());
  }
  if (!metadata.console_log_path.empty()) {
    root.append_child((prefix + "console-log").c_str())
        .text()
        .set(metadata.console_log_path.c_str());
  }
  if (metadata.started_ms != 0) {
    root.append_child((prefix + "started-ms").c_str())
        .text()
        .set(std::to_string(metadata.started_ms).c_str());
  }
  if (!metadata.dhcp_ip.empty()) {
    pugi::xml_node dhcp = root.append_child((prefix + "dhcp").c_str());
    dhcp.append_attribute("network").set_value(metadata.dhcp_network.c_str());
    dhcp.append_attribute("mac").set_value(metadata.dhcp_mac.c_str());
    dhcp.append_attribute("ip").set_value(metadata.dhcp_ip.c_str());
  }
  for (const auto& [key, value] : metadata.values) {
    pugi::xml_node meta = root.append_child((prefix + "meta").c_str());
    meta.append_attribute("key").set_value(key.c_str());
    meta.text().set(value.c_str());
  }
}

}  // namespace

InstanceMetadata InstanceMetadata::FromSpec(const DomainSpec& spec, const std::string& network) {
  InstanceMetadata metadata;
  metadata.instance_id = spec.instance_id;
  metadata.console_log_path = spec.console_log_path;
  metadata.values = spec.metadata;
  auto ip = spec.metadata.find(kPrivateIpKey);
  if (!spec.mac_address.empty() && ip != spec.metadata.end() && !ip->second.empty()) {
    metadata.dhcp_network = network;
    metadata.dhcp_mac = spec.mac_address;
    metadata.dhcp_ip = ip->second;
  }
  return metadata;
}

void InstanceMetadata::AppendTo(pugi::xml_node parent) const {
  const std::string prefix = std::string(kGureumXmlPrefix) + ":";
  pugi::xml_node root = parent.append_child((prefix + "instance").c_str());
  root.append_attribute((std::string("xmlns:") + kGureumXmlPrefix).c_str())
      .set_value(kGureumXmlNamespace);
  AppendChildren(*this, root, prefix);
}

std::string InstanceMetadata::ToUnqualifiedXml() const {
  pugi::xml_document doc;
  AppendChildren(*this, doc.append_child("instance"), "");
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default | pugi::format_no_declaration);
  return out.str();
}

absl::StatusOr<InstanceMetadata> InstanceMetadata::Parse(const std::string& xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_string(xml.c_str());
  if (!parsed) {
    return absl::InvalidArgumentError(
        absl::StrCat("Gureum metadata is not well-formed XML: ", parsed.description()));
  }
  return ParseElement(doc.document_element());
}

absl::StatusOr<InstanceMetadata> InstanceMetadata::FromDomainXml(const std::string& domain_xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_string(domain_xml.c_str());
  if (!parsed) {
    return absl::InvalidArgumentError(
        absl::StrCat("domain XML is not well-formed: ", parsed.description()));
  }
  // The element is ours when the namespace its prefix is bound to is ours,
  // whatever the prefix is.
  for (pugi::xml_node child : doc.child("domain").child("metadata").children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string name = child.name();
    const size_t colon = name.find(':');
    const std::string xmlns_attr =
        colon == std::string::npos ? "xmlns" : "xmlns:" + name.substr(0, colon);
    if (std::string(child.attribute(xmlns_attr.c_str()).value()) == kGureumXmlNamespace) {
      return ParseElement(child);
    }
  }
  return absl::NotFoundError("domain carries no Gureum metadata");
}

}  // namespace gureum::agent
