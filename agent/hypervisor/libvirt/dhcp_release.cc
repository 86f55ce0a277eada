#include "agent/hypervisor/libvirt/dhcp_release.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>

namespace gureum::agent {
namespace {

constexpr uint8_t kBootRequest = 1;
constexpr uint8_t kHardwareEthernet = 1;
constexpr uint8_t kOptionMessageType = 53;
constexpr uint8_t kOptionServerId = 54;
constexpr uint8_t kOptionClientId = 61;
constexpr uint8_t kOptionEnd = 255;
constexpr uint8_t kDhcpRelease = 7;
constexpr uint16_t kServerPort = 67;

// "aa:bb:..." (one or two hex digits a byte) to bytes.
absl::StatusOr<std::vector<uint8_t>> HexBytes(const std::string& text, const std::string& what) {
  std::vector<uint8_t> bytes;
  for (absl::string_view part : absl::StrSplit(text, ':')) {
    int value = 0;
    if (part.empty() || part.size() > 2 || !absl::SimpleHexAtoi(part, &value)) {
      return absl::InvalidArgumentError(absl::StrCat(what, " \"", text, "\" is not hex bytes"));
    }
    bytes.push_back(static_cast<uint8_t>(value));
  }
  return bytes;
}

absl::StatusOr<in_addr> Ipv4(const std::string& text, const std::string& what) {
  in_addr addr{};
  if (inet_pton(AF_INET, text.c_str(), &addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(what, " \"", text, "\" is not IPv4"));
  }
  return addr;
}

void Put(std::string& out, const void* data, size_t size) {
  out.append(static_cast<const char*>(data), size);
}

}  // namespace

absl::StatusOr<std::string> DhcpRelease::Packet(const DhcpLease& lease,
                                                const std::string& server_ip, uint32_t xid) {
  absl::StatusOr<std::vector<uint8_t>> mac = HexBytes(lease.mac, "MAC");
  if (!mac.ok()) return mac.status();
  if (mac->size() != 6) return absl::InvalidArgumentError("MAC " + lease.mac + " is not 6 bytes");
  absl::StatusOr<in_addr> client = Ipv4(lease.ip, "lease address");
  if (!client.ok()) return client.status();
  absl::StatusOr<in_addr> server = Ipv4(server_ip, "server address");
  if (!server.ok()) return server.status();
  std::vector<uint8_t> client_id;
  if (!lease.client_id.empty()) {
    absl::StatusOr<std::vector<uint8_t>> id = HexBytes(lease.client_id, "client id");
    if (!id.ok()) return id.status();
    if (id->size() < 2 || id->size() > 255) {
      return absl::InvalidArgumentError("client id " + lease.client_id + " has a bad length");
    }
    client_id = *std::move(id);
  }

  // The fixed BOOTP header (RFC 2131 section 2), then the magic cookie and options.
  std::string p;
  const uint8_t head[4] = {kBootRequest, kHardwareEthernet, 6, 0};  // op htype hlen hops
  Put(p, head, sizeof(head));
  const uint32_t xid_be = htonl(xid);
  Put(p, &xid_be, 4);
  p.append(4, '\0');              // secs, flags
  Put(p, &client->s_addr, 4);     // ciaddr: the address being released
  p.append(12, '\0');             // yiaddr, siaddr, giaddr
  Put(p, mac->data(), 6);         // chaddr
  p.append(10 + 64 + 128, '\0');  // chaddr padding, sname, file
  const uint8_t cookie[4] = {99, 130, 83, 99};
  Put(p, cookie, sizeof(cookie));
  const uint8_t type[3] = {kOptionMessageType, 1, kDhcpRelease};
  Put(p, type, sizeof(type));
  const uint8_t server_head[2] = {kOptionServerId, 4};
  Put(p, server_head, sizeof(server_head));
  Put(p, &server->s_addr, 4);
  if (!client_id.empty()) {
    const uint8_t id_head[2] = {kOptionClientId, static_cast<uint8_t>(client_id.size())};
    Put(p, id_head, sizeof(id_head));
    Put(p, client_id.data(), client_id.size());
  }
  p.push_back(static_cast<char>(kOptionEnd));
  return p;
}

absl::Status DhcpRelease::Send(const std::string& bridge, const std::string& server_ip,
                               const DhcpLease& lease) {
  absl::StatusOr<std::string> packet = Packet(lease, server_ip, std::random_device{}());
  if (!packet.ok()) return packet.status();
  absl::StatusOr<in_addr> server = Ipv4(server_ip, "server address");
  if (!server.ok()) return server.status();
  if (bridge.empty() || bridge.size() >= IFNAMSIZ) {
    return absl::InvalidArgumentError("bad bridge name \"" + bridge + "\"");
  }

  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  // Sent to the server's own address but out of the bridge: dnsmasq then
  // sees it arrive on the interface it serves, as the guest's would.
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, bridge.c_str(),
                 static_cast<socklen_t>(bridge.size())) < 0) {
    const int error = errno;
    close(fd);
    return absl::InternalError(
        absl::StrCat("bind DHCP release socket to ", bridge, ": ", std::strerror(error)));
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(kServerPort);
  to.sin_addr = *server;
  const ssize_t sent = sendto(fd, packet->data(), packet->size(), 0,
                              reinterpret_cast<const sockaddr*>(&to), sizeof(to));
  const int error = errno;
  close(fd);
  if (sent != static_cast<ssize_t>(packet->size())) {
    return absl::InternalError(absl::StrCat("send DHCP release of ", lease.ip, " on ", bridge, ": ",
                                            sent < 0 ? std::strerror(error) : "short write"));
  }
  return absl::OkStatus();
}

}  // namespace gureum::agent
