#include "tests/support/test_network.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <stdexcept>

#include "agent/hypervisor/libvirt/dhcp_hosts_dir.h"
#include "agent/hypervisor/libvirt/network_config.h"

namespace gureum::testing {
namespace {

// Third octets of 10.231.X.0/24 taken by a local interface or any libvirt network.
std::set<int> UsedThirdOctets(virConnectPtr conn) {
  std::set<int> used;
  ifaddrs* addrs = nullptr;
  if (getifaddrs(&addrs) == 0) {
    for (ifaddrs* a = addrs; a != nullptr; a = a->ifa_next) {
      if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
      const uint32_t ip = ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr);
      if ((ip >> 16) == ((10u << 8) | 231u)) used.insert(static_cast<int>((ip >> 8) & 0xff));
    }
    freeifaddrs(addrs);
  }
  virNetworkPtr* networks = nullptr;
  const int count = virConnectListAllNetworks(conn, &networks, 0);
  for (int i = 0; i < count; ++i) {
    char* xml = virNetworkGetXMLDesc(networks[i], VIR_NETWORK_XML_INACTIVE);
    if (xml != nullptr) {
      const std::string text = xml;
      for (size_t at = text.find("10.231."); at != std::string::npos;
           at = text.find("10.231.", at + 1)) {
        used.insert(std::atoi(text.c_str() + at + 7));
      }
      free(xml);
    }
    virNetworkFree(networks[i]);
  }
  free(networks);
  return used;
}

}  // namespace

TestNetwork::TestNetwork(const RawConnection& conn, const std::string& suffix,
                         std::string hosts_dir)
    : conn_(conn), name_("gureum-e2e-" + suffix), hosts_dir_(std::move(hosts_dir)) {
  const std::set<int> used = UsedThirdOctets(conn.get());
  std::mt19937 random(std::random_device{}());
  for (int attempt = 0; attempt < 100 && third_octet_ == 0; ++attempt) {
    const int candidate = std::uniform_int_distribution<int>(1, 254)(random);
    if (used.count(candidate) == 0) third_octet_ = candidate;
  }
  if (third_octet_ == 0) throw std::runtime_error("no free 10.231.X.0/24 subnet");
  // Bridge names are limited to 15 characters.
  const std::string bridge = "gve" + suffix.substr(0, 10);
  const std::string xml = "<network><name>" + name_ + "</name><bridge name='" + bridge +
                          "' stp='off'/><ip address='" + Ip(1) +
                          "' netmask='255.255.255.0'><dhcp><range start='" + Ip(100) + "' end='" +
                          Ip(200) + "'/></dhcp></ip>" + DnsmasqOptions() + "</network>";
  virNetworkPtr network = virNetworkDefineXML(conn.get(), xml.c_str());
  if (network == nullptr) throw std::runtime_error("cannot define test network " + name_);
  virNetworkFree(network);
}

TestNetwork::~TestNetwork() {
  virNetworkPtr network = virNetworkLookupByName(conn_.get(), name_.c_str());
  if (network == nullptr) return;
  if (virNetworkIsActive(network) == 1) virNetworkDestroy(network);
  virNetworkUndefine(network);
  virNetworkFree(network);
  std::error_code ignored;
  if (!hosts_dir_.empty()) std::filesystem::remove_all(hosts_dir_, ignored);
}

std::string TestNetwork::DnsmasqOptions() const {
  if (hosts_dir_.empty()) return "";
  if (absl::Status created = agent::DhcpHostsDir::Create(hosts_dir_); !created.ok()) {
    throw std::runtime_error(created.ToString());
  }
  return agent::DnsmasqHostsDirXml(hosts_dir_);
}

std::string TestNetwork::Ip(int host) const {
  return "10.231." + std::to_string(third_octet_) + "." + std::to_string(host);
}

std::string TestNetwork::Cidr() const { return Ip(0) + "/24"; }

std::string TestNetwork::Xml() const {
  virNetworkPtr network = virNetworkLookupByName(conn_.get(), name_.c_str());
  if (network == nullptr) return "";
  char* xml = virNetworkGetXMLDesc(network, 0);
  std::string text = xml == nullptr ? "" : xml;
  free(xml);
  virNetworkFree(network);
  return text;
}

bool TestNetwork::IsActive() const {
  virNetworkPtr network = virNetworkLookupByName(conn_.get(), name_.c_str());
  if (network == nullptr) return false;
  const bool active = virNetworkIsActive(network) == 1;
  virNetworkFree(network);
  return active;
}

bool TestNetwork::IsAutostart() const {
  virNetworkPtr network = virNetworkLookupByName(conn_.get(), name_.c_str());
  if (network == nullptr) return false;
  int autostart = 0;
  virNetworkGetAutostart(network, &autostart);
  virNetworkFree(network);
  return autostart == 1;
}

}  // namespace gureum::testing
