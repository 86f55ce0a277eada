#include "agent/hypervisor/libvirt/network_config.h"

#include <arpa/inet.h>

#include <sstream>
#include <string_view>

#include <absl/strings/ascii.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>

#include <pugixml.hpp>

namespace gureum::agent {
namespace {

constexpr char kDnsmasqNamespace[] = "http://libvirt.org/schemas/network/dnsmasq/1.0";
constexpr std::string_view kHostsDirOption = "dhcp-hostsdir=";

bool ParseIpv4(const std::string& text, uint32_t* out) {
  in_addr addr{};
  if (inet_pton(AF_INET, text.c_str(), &addr) != 1) return false;
  *out = ntohl(addr.s_addr);
  return true;
}

// 255.255.255.0 -> 24; -1 if not a contiguous mask.
int PrefixFromNetmask(const std::string& netmask) {
  uint32_t mask = 0;
  if (!ParseIpv4(netmask, &mask)) return -1;
  int prefix = 0;
  while (prefix < 32 && (mask & (0x80000000u >> prefix)) != 0) ++prefix;
  const uint32_t expected = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return mask == expected ? prefix : -1;
}

std::string Serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default | pugi::format_no_declaration);
  return out.str();
}

}  // namespace

std::string NormalizeMac(const std::string& mac) { return absl::AsciiStrToLower(mac); }

absl::StatusOr<NetworkConfig> NetworkConfig::Parse(const std::string& xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_string(xml.c_str());
  if (!parsed) {
    return absl::InvalidArgumentError(
        absl::StrCat("network XML is not well-formed: ", parsed.description()));
  }
  pugi::xml_node network = doc.child("network");
  if (!network) return absl::InvalidArgumentError("network XML has no <network> element");
  NetworkConfig config;
  config.name = network.child_value("name");
  config.bridge = network.child("bridge").attribute("name").value();
  config.forward_mode = network.child("forward").attribute("mode").value();
  if (network.child("forward") && config.forward_mode.empty()) config.forward_mode = "nat";
  for (pugi::xml_node ip : network.children("ip")) {
    const std::string family = ip.attribute("family").value();
    if (!family.empty() && family != "ipv4") continue;
    config.address = ip.attribute("address").value();
    if (ip.attribute("prefix")) {
      config.prefix = ip.attribute("prefix").as_int(-1);
    } else {
      config.prefix = PrefixFromNetmask(ip.attribute("netmask").value());
    }
    if (config.prefix < 0 || config.prefix > 32) {
      return absl::InvalidArgumentError("network " + config.name + " has an invalid IPv4 netmask");
    }
    pugi::xml_node dhcp = ip.child("dhcp");
    config.dhcp_start = dhcp.child("range").attribute("start").value();
    config.dhcp_end = dhcp.child("range").attribute("end").value();
    for (pugi::xml_node host : dhcp.children("host")) {
      config.hosts.push_back({NormalizeMac(host.attribute("mac").value()),
                              host.attribute("ip").value(), host.attribute("name").value()});
    }
    break;
  }
  // <dnsmasq:options> (libvirt writes the namespace prefix it was given,
  // "dnsmasq" by convention; any prefix is accepted).
  for (pugi::xml_node options : network.children()) {
    if (!std::string_view(options.name()).ends_with(":options")) continue;
    for (pugi::xml_node option : options.children()) {
      const std::string_view value = option.attribute("value").value();
      if (std::string_view(option.name()).ends_with(":option") &&
          value.starts_with(kHostsDirOption)) {
        config.hosts_dir = std::string(value.substr(kHostsDirOption.size()));
      }
    }
  }
  return config;
}

bool NetworkConfig::InSubnet(const std::string& ip) const {
  uint32_t network = 0;
  uint32_t candidate = 0;
  if (!ParseIpv4(address, &network) || !ParseIpv4(ip, &candidate)) return false;
  const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return (network & mask) == (candidate & mask);
}

const DhcpHost* NetworkConfig::FindByMac(const std::string& mac) const {
  const std::string wanted = NormalizeMac(mac);
  for (const DhcpHost& host : hosts) {
    if (host.mac == wanted) return &host;
  }
  return nullptr;
}

const DhcpHost* NetworkConfig::FindByIp(const std::string& ip) const {
  for (const DhcpHost& host : hosts) {
    if (host.ip == ip) return &host;
  }
  return nullptr;
}

std::string DefaultNatNetworkXml() {
  pugi::xml_document doc;
  pugi::xml_node network = doc.append_child("network");
  network.append_child("name").text().set("default");
  network.append_child("forward").append_attribute("mode").set_value("nat");
  pugi::xml_node bridge = network.append_child("bridge");
  bridge.append_attribute("name").set_value("virbr0");
  bridge.append_attribute("stp").set_value("on");
  bridge.append_attribute("delay").set_value("0");
  pugi::xml_node ip = network.append_child("ip");
  ip.append_attribute("address").set_value("192.168.122.1");
  ip.append_attribute("netmask").set_value("255.255.255.0");
  pugi::xml_node range = ip.append_child("dhcp").append_child("range");
  range.append_attribute("start").set_value("192.168.122.2");
  range.append_attribute("end").set_value("192.168.122.254");
  return Serialize(doc);
}

std::string DnsmasqHostsDirXml(const std::string& dir) {
  pugi::xml_document doc;
  pugi::xml_node options = doc.append_child("dnsmasq:options");
  options.append_attribute("xmlns:dnsmasq").set_value(kDnsmasqNamespace);
  options.append_child("dnsmasq:option")
      .append_attribute("value")
      .set_value((std::string(kHostsDirOption) + dir).c_str());
  return Serialize(doc);
}

std::string DhcpHostXml(const DhcpHost& host) {
  pugi::xml_document doc;
  pugi::xml_node node = doc.append_child("host");
  node.append_attribute("mac").set_value(NormalizeMac(host.mac).c_str());
  if (!host.name.empty()) node.append_attribute("name").set_value(host.name.c_str());
  node.append_attribute("ip").set_value(host.ip.c_str());
  return Serialize(doc);
}

}  // namespace gureum::agent
