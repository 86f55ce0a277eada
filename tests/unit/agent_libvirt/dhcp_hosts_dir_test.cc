#include "agent/hypervisor/libvirt/dhcp_hosts_dir.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

namespace gureum::agent {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "dhcp-hosts-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path path;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_CASE("dnsmasq host lines are written and parsed back") {
  // This test verifies the dhcp-host line format dnsmasq reads (mac,ip[,name],
  // MAC in lower case) and that malformed lines are refused.
  CHECK(DhcpHostsDir::Line({"52:54:00:AA:bb:01", "10.0.0.5", "i-1"}) ==
        "52:54:00:aa:bb:01,10.0.0.5,i-1");
  CHECK(DhcpHostsDir::Line({"52:54:00:aa:bb:02", "10.0.0.6", ""}) == "52:54:00:aa:bb:02,10.0.0.6");
  CHECK(DhcpHostsDir::ParseLine("52:54:00:aa:bb:01,10.0.0.5,i-1\n") ==
        DhcpHost{"52:54:00:aa:bb:01", "10.0.0.5", "i-1"});
  CHECK(DhcpHostsDir::ParseLine("52:54:00:AA:BB:02,10.0.0.6") ==
        DhcpHost{"52:54:00:aa:bb:02", "10.0.0.6", ""});
  CHECK_FALSE(DhcpHostsDir::ParseLine("52:54:00:aa:bb:02").has_value());
  CHECK_FALSE(DhcpHostsDir::ParseLine("nonsense,10.0.0.6").has_value());
  CHECK_FALSE(DhcpHostsDir::ParseLine("52:54:00:aa:bb:02,10.0.0.6,a,b").has_value());
}

TEST_CASE("a hosts directory keeps one whole file per MAC and lists them") {
  // This test verifies that Add writes <dir>/<mac> with one dhcp-host line
  // (no temporary file left), replaces the file of the same MAC, that List
  // returns every reservation and skips what does not parse, and that Remove
  // deletes the file and is OK when there is none.
  TempDir dir;
  DhcpHostsDir hosts(dir.path.string(), "");
  REQUIRE(hosts.Add({"52:54:00:aa:bb:01", "10.0.0.5", "i-1"}).ok());
  REQUIRE(hosts.Add({"52:54:00:AA:BB:02", "10.0.0.6", "i-2"}).ok());
  CHECK(ReadFile(dir.path / "52-54-00-aa-bb-01") == "52:54:00:aa:bb:01,10.0.0.5,i-1\n");
  REQUIRE(hosts.Add({"52:54:00:aa:bb:01", "10.0.0.7", "i-1"}).ok());
  CHECK(ReadFile(dir.path / "52-54-00-aa-bb-01") == "52:54:00:aa:bb:01,10.0.0.7,i-1\n");
  std::ofstream(dir.path / "junk") << "not a reservation\n";

  absl::StatusOr<std::vector<DhcpHost>> listed = hosts.List();
  REQUIRE(listed.ok());
  std::sort(listed->begin(), listed->end(),
            [](const DhcpHost& a, const DhcpHost& b) { return a.mac < b.mac; });
  CHECK(*listed == std::vector<DhcpHost>{{"52:54:00:aa:bb:01", "10.0.0.7", "i-1"},
                                         {"52:54:00:aa:bb:02", "10.0.0.6", "i-2"}});
  int files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path)) ++files;
  CHECK(files == 3);  // two reservations and the junk, no temporary file

  REQUIRE(hosts.Remove("52:54:00:AA:BB:01").ok());
  CHECK_FALSE(fs::exists(dir.path / "52-54-00-aa-bb-01"));
  REQUIRE(hosts.Remove("52:54:00:aa:bb:01").ok());
  listed = hosts.List();
  REQUIRE(listed.ok());
  CHECK(*listed == std::vector<DhcpHost>{{"52:54:00:aa:bb:02", "10.0.0.6", "i-2"}});
}

TEST_CASE("removing a reservation signals dnsmasq to forget it") {
  // This test verifies that Remove sends SIGHUP to the pid in the pid file
  // (dnsmasq keeps a deleted file's entry until then), and that a missing
  // directory fails List with FailedPrecondition.
  TempDir dir;
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  // The child stands in for dnsmasq and reports a SIGHUP through the pipe. Its
  // handler is set before the fork, so no signal can come before it.
  static int report_fd = -1;
  report_fd = pipe_fds[1];
  struct sigaction report {};
  report.sa_handler = [](int) {
    const char byte = 'H';
    (void)!write(report_fd, &byte, 1);
    _exit(0);
  };
  struct sigaction previous {};
  REQUIRE(sigaction(SIGHUP, &report, &previous) == 0);
  const pid_t child = fork();
  if (child == 0) {
    for (;;) pause();
  }
  sigaction(SIGHUP, &previous, nullptr);
  REQUIRE(child > 0);
  close(pipe_fds[1]);
  const fs::path pid_file = dir.path / "dnsmasq.pid";
  std::ofstream(pid_file) << child << "\n";

  DhcpHostsDir hosts((dir.path / "hosts").string(), pid_file.string());
  fs::create_directory(dir.path / "hosts");
  REQUIRE(hosts.Add({"52:54:00:aa:bb:01", "10.0.0.5", ""}).ok());
  REQUIRE(hosts.Remove("52:54:00:aa:bb:01").ok());
  char byte = 0;
  CHECK(read(pipe_fds[0], &byte, 1) == 1);
  CHECK(byte == 'H');
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);

  DhcpHostsDir missing((dir.path / "absent").string(), "");
  CHECK(absl::IsFailedPrecondition(missing.List().status()));
}

}  // namespace
}  // namespace gureum::agent
