// DhcpHostsDir: DHCP reservations kept as one file per MAC in a directory the
// network's dnsmasq reads with --dhcp-hostsdir (set in the network's XML as
// <dnsmasq:option value='dhcp-hostsdir=DIR'/>). dnsmasq picks up a new file by
// inotify within milliseconds, whereas libvirt's virNetworkUpdate takes
// ~0.5 s here because it rebuilds the network's whole firewall (two dozen
// iptables runs) for every reservation. dnsmasq forgets a deleted file's
// entry only when signalled, so Remove sends it SIGHUP. Files are written
// whole (temporary file, then rename), so dnsmasq never reads half of one.
// Thread-compatible: LibvirtNetwork serializes changes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "agent/hypervisor/libvirt/network_config.h"

namespace gureum::agent {

class DhcpHostsDir {
 public:
  // `pid_file` holds the network's dnsmasq pid (libvirt keeps it at
  // /run/libvirt/network/<name>.pid); empty: never signal.
  DhcpHostsDir(std::string dir, std::string pid_file);

  // Makes `dir` (and its parents) for a network's dnsmasq to read: mode 0755,
  // since dnsmasq drops its privileges. For whoever defines the network.
  static absl::Status Create(const std::string& dir);

  // Every reservation in the directory (files that do not parse are skipped).
  absl::StatusOr<std::vector<DhcpHost>> List() const;
  // Writes the reservation's file (replacing one for the same MAC).
  absl::Status Add(const DhcpHost& host);
  // Deletes the MAC's file, if any, and has dnsmasq re-read its reservations.
  absl::Status Remove(const std::string& mac);

  // One dnsmasq dhcp-host line: "mac,ip[,name]".
  static std::string Line(const DhcpHost& host);
  static std::optional<DhcpHost> ParseLine(const std::string& line);

 private:
  std::string PathFor(const std::string& mac) const;

  const std::string dir_;
  const std::string pid_file_;
};

}  // namespace gureum::agent
