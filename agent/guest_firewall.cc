#include "agent/guest_firewall.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "agent/images/subprocess.h"

namespace gureum::agent {

std::string GuestFirewall::Ruleset(const std::string& bridge) {
  const std::string table = std::string("inet ") + kGuestFirewallTable;
  const std::string from = "iifname \"" + bridge + "\" ";
  // "add table" then "delete table" makes the delete succeed whether or not
  // the table existed, so the whole file replaces it atomically.
  return "add table " + table + "\n" + "delete table " + table + "\n" + "table " + table +
         " {\n"
         "  chain input {\n"
         "    type filter hook input priority filter - 10; policy accept;\n"
         "    " +
         from + "ct state established,related accept\n" + "    " + from +
         "udp dport { 53, 67, 547 } accept\n" + "    " + from + "tcp dport 53 accept\n" + "    " +
         from + "icmp type { echo-request, destination-unreachable } accept\n" + "    " + from +
         "meta l4proto ipv6-icmp accept\n" + "    " + from +
         "counter drop comment \"guests may not reach host services\"\n" +
         "  }\n"
         "}\n";
}

absl::Status GuestFirewall::Install(const std::string& bridge) {
  if (bridge.empty() || bridge.find_first_of("\"\\\n ") != std::string::npos) {
    return absl::InvalidArgumentError("bad bridge name '" + bridge + "'");
  }
  char path[] = "/tmp/gureum-guard-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return absl::InternalError("cannot create a temporary file for nft");
  close(fd);
  {
    std::ofstream out(path);
    out << Ruleset(bridge);
  }
  auto result = RunProcessChecked({"nft", "-f", path});
  std::remove(path);
  return result.ok() ? absl::OkStatus() : result.status();
}

}  // namespace gureum::agent
