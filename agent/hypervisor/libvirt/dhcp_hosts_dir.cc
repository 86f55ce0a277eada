#include "agent/hypervisor/libvirt/dhcp_hosts_dir.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_replace.h>
#include <absl/strings/str_split.h>
#include <absl/strings/strip.h>

#include "common/durable_file.h"

namespace gureum::agent {
namespace {

absl::Status Errno(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

}  // namespace

DhcpHostsDir::DhcpHostsDir(std::string dir, std::string pid_file)
    : dir_(std::move(dir)), pid_file_(std::move(pid_file)) {}

absl::Status DhcpHostsDir::Create(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (!error) std::filesystem::permissions(dir, std::filesystem::perms(0755), error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("create DHCP hosts directory ", dir, ": ", error.message()));
  }
  return absl::OkStatus();
}

std::string DhcpHostsDir::Line(const DhcpHost& host) {
  std::string line = absl::StrCat(NormalizeMac(host.mac), ",", host.ip);
  if (!host.name.empty()) absl::StrAppend(&line, ",", host.name);
  return line;
}

std::optional<DhcpHost> DhcpHostsDir::ParseLine(const std::string& line) {
  std::vector<std::string> fields =
      absl::StrSplit(absl::StripAsciiWhitespace(line), ',', absl::SkipEmpty());
  if (fields.size() < 2 || fields.size() > 3) return std::nullopt;
  DhcpHost host{NormalizeMac(fields[0]), fields[1], fields.size() == 3 ? fields[2] : ""};
  if (host.mac.size() != 17) return std::nullopt;
  return host;
}

std::string DhcpHostsDir::PathFor(const std::string& mac) const {
  return absl::StrCat(dir_, "/", absl::StrReplaceAll(NormalizeMac(mac), {{":", "-"}}));
}

absl::StatusOr<std::vector<DhcpHost>> DhcpHostsDir::List() const {
  std::vector<DhcpHost> hosts;
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator(dir_, error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    const std::filesystem::path& path = it->path();
    if (path.filename().string().starts_with(".")) continue;
    std::ifstream in(path);
    std::string line;
    if (std::getline(in, line)) {
      if (std::optional<DhcpHost> host = ParseLine(line)) hosts.push_back(*std::move(host));
    }
  }
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("read DHCP hosts directory ", dir_, ": ", error.message()));
  }
  return hosts;
}

absl::Status DhcpHostsDir::Add(const DhcpHost& host) {
  // Through a dot-prefixed temporary file, which neither List nor (by its
  // name) dnsmasq takes for a reservation; dnsmasq reads the file once the
  // rename puts it in place.
  return WriteFileAtomically(PathFor(host.mac), Line(host) + "\n");
}

absl::Status DhcpHostsDir::Remove(const std::string& mac) {
  const std::string path = PathFor(mac);
  if (::unlink(path.c_str()) < 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return Errno("remove " + path);
  }
  if (pid_file_.empty()) return absl::OkStatus();
  std::ifstream in(pid_file_);
  std::string text;
  int pid = 0;
  // No dnsmasq running (network stopped): it reads the directory afresh at start.
  if (!std::getline(in, text) || !absl::SimpleAtoi(text, &pid) || pid <= 1) {
    return absl::OkStatus();
  }
  if (::kill(pid, SIGHUP) < 0 && errno != ESRCH) return Errno("signal dnsmasq " + text);
  return absl::OkStatus();
}

}  // namespace gureum::agent
