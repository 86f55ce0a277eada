#include "common/tls/network_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <strings.h>

namespace gureum {

absl::StatusOr<HostPort> SplitHostPort(std::string_view address) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == address.size()) {
    return absl::InvalidArgumentError("expected HOST:PORT, not '" + std::string(address) + "'");
  }
  HostPort result;
  result.host = std::string(address.substr(0, colon));
  result.port = std::string(address.substr(colon + 1));
  if (result.host.size() >= 2 && result.host.front() == '[' && result.host.back() == ']') {
    result.host = result.host.substr(1, result.host.size() - 2);
  } else if (result.host.find(':') != std::string::npos) {
    return absl::InvalidArgumentError("an IPv6 address needs brackets: [" + result.host +
                                      "]:PORT, not '" + std::string(address) + "'");
  }
  for (char c : result.port) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError("the port of '" + std::string(address) +
                                        "' is not a number");
    }
  }
  return result;
}

bool IsLoopbackHost(std::string_view host) {
  const std::string text(host);
  if (strcasecmp(text.c_str(), "localhost") == 0) return true;
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

bool IsLoopbackAddress(std::string_view address) {
  auto parsed = SplitHostPort(address);
  return parsed.ok() && IsLoopbackHost(parsed->host);
}

}  // namespace gureum
