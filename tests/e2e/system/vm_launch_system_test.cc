// Real VMs end to end: instances launched through the CLI boot under
// libvirt/QEMU, receive their identity, user data, key and address, obey
// stop/start/reboot, and leave nothing behind when terminated.
#include <sys/statvfs.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/sha256.h"
#include "tests/e2e/system/system_checks.h"
#include "tests/e2e/system/system_env.h"

namespace gureum::testing {
namespace {

using Steady = std::chrono::steady_clock;

int64_t MemTotalMib() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  int64_t kib = 0;
  while (in >> key >> kib) {
    if (key == "MemTotal:") return kib / 1024;
    in.ignore(1 << 10, '\n');
  }
  return -1;
}

std::string PublicKeyOf(SystemEnv& env, const std::string& key_name) {
  nlohmann::json keys = env.cluster().CliJson({"describe-key-pairs", "--key-names", key_name});
  REQUIRE(keys["keyPairs"].size() == 1);
  std::string key = keys["keyPairs"][0]["publicKey"];
  while (!key.empty() && (key.back() == '\n' || key.back() == ' ')) key.pop_back();
  return key;
}

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

TEST_CASE("three tiny-disk instances boot and print who they are and terminate without leftovers") {
  // This test verifies that instances launched from a whole-disk image reach
  // running and print their own instance id, the hash of the user data given,
  // the key pair's public key and the IP describe-instances reports; that the
  // host reports libvirt's capacity and virt type; and that terminating them
  // removes their domains, disks, seeds and DHCP reservations.
  const Steady::time_point test_start = Steady::now();
  SystemEnv env;

  nlohmann::json hosts = env.cluster().CliJson({"describe-hosts"});
  REQUIRE(hosts["hosts"].size() == 1);
  const nlohmann::json& host = hosts["hosts"][0];
  CHECK(host["hypervisorType"] == "libvirt");
  CHECK((host["virtType"] == "qemu" || host["virtType"] == "kvm"));
  virNodeInfo node{};
  REQUIRE(virNodeGetInfo(env.raw().get(), &node) == 0);
  CHECK(JsonInt(host["vcpus"]) == static_cast<int64_t>(node.cpus));
  CHECK(JsonInt(host["memoryMib"]) == MemTotalMib());
  struct statvfs fs {};
  REQUIRE(statvfs(env.agent_dir().c_str(), &fs) == 0);
  CHECK(JsonInt(host["diskGib"]) ==
        (static_cast<int64_t>(fs.f_blocks) * static_cast<int64_t>(fs.f_frsize) >> 30));

  const std::string image = env.ImportTinyDisk("tiny-disk");
  RunResult key = env.cluster().Cli({"create-key-pair", "--key-name", "system-key", "--key-type",
                                     "ed25519", "--output-file", env.cluster().dir() + "/key.pem"});
  REQUIRE(key.exit_code == 0);
  const std::string public_key = PublicKeyOf(env, "system-key");
  const std::string user_data = "#!/bin/sh\necho hello from the system test\n";

  const Steady::time_point launched = Steady::now();
  std::vector<std::string> ids =
      env.Launch(image, 3, {"--key-name", "system-key", "--user-data", user_data});
  REQUIRE(ids.size() == 3);
  REQUIRE(env.WaitForState(ids, "running"));
  ReportTiming("3 instances (whole disk): launch to all running", SecondsSince(launched));

  // Boot progress of all three at once, to time each.
  std::map<std::string, double> ready_after;
  std::map<std::string, std::string> consoles;
  bool all_ready = Eventually(
      [&] {
        for (const std::string& id : ids) {
          if (ready_after.contains(id)) continue;
          std::string console = env.Console(id);
          if (console.find("GUREUM-READY") != std::string::npos) {
            ready_after[id] = SecondsSince(launched);
            consoles[id] = console;
          }
        }
        return ready_after.size() == ids.size();
      },
      kBootTimeout, std::chrono::milliseconds(500));
  for (const auto& [id, seconds] : ready_after) {
    ReportTiming("launch to GUREUM-READY (whole disk, 3 at once) " + id, seconds);
  }
  REQUIRE(all_ready);

  std::set<std::string> ips;
  std::map<std::string, std::string> macs;
  for (const std::string& id : ids) {
    INFO("instance " << id << " console:\n" << consoles[id]);
    nlohmann::json instance = env.Describe(id);
    const std::string ip = instance["privateIpAddress"];
    const std::string mac = instance["macAddress"];
    CHECK(ip.rfind(env.network().Ip(0).substr(0, env.network().Ip(0).size() - 1), 0) == 0);
    ips.insert(ip);
    macs[id] = mac;
    CHECK(HasLineStartingWith(consoles[id], "GUREUM-BOOT instance-id=" + id + " "));
    CHECK(HasLine(consoles[id], "GUREUM-USERDATA sha256=" + Sha256Hex(user_data)));
    CHECK(HasLine(consoles[id], "GUREUM-SSH-KEY " + public_key));
    CHECK(HasLine(consoles[id], "GUREUM-IP " + ip));
    CHECK(env.HasDhcpReservation(mac));
    CHECK(env.HasDhcpReservation(ip));
    CHECK(env.HasDhcpLease(mac));
  }
  CHECK(ips.size() == 3);
  // One cached copy of the image serves all three overlays.
  CHECK(Files(env.agent_dir() + "/images") ==
        std::vector<std::string>{env.cluster().CliJson(
            {"describe-images", "--image-ids", image})["images"][0]["sha256"]});
  CHECK(env.InstanceFiles().size() >= 3 * 3);

  std::vector<std::string> terminate{"terminate-instances", "--instance-ids"};
  terminate.insert(terminate.end(), ids.begin(), ids.end());
  REQUIRE(env.cluster().Cli(terminate).exit_code == 0);
  REQUIRE(env.WaitForState(ids, "terminated", std::chrono::seconds(120)));
  for (const std::string& id : ids) {
    nlohmann::json instance = env.Describe(id);
    CHECK(instance["stateReason"]["code"] == "Client.UserInitiatedShutdown");
  }
  CHECK(env.ExistingDomains(ids).empty());
  CHECK(env.InstanceFiles().empty());
  for (const std::string& ip : ips) CHECK_FALSE(env.HasDhcpReservation(ip));
  for (const auto& [id, mac] : macs) {
    CHECK_FALSE(env.HasDhcpReservation(mac));
    // The lease was released for the guest (dnsmasq records it a moment later).
    CHECK(Eventually([&] { return !env.HasDhcpLease(mac); }, std::chrono::seconds(10)));
  }

  // The lowest address is handed out again at once, and the new guest really
  // gets it (a lease left behind would make the DHCP server refuse it).
  std::vector<std::string> again = env.Launch(image, 1);
  REQUIRE(again.size() == 1);
  const std::string reused_ip = env.Describe(again[0])["privateIpAddress"];
  CHECK(ips.contains(reused_ip));
  REQUIRE(env.WaitForConsole(again[0], "GUREUM-READY"));
  CHECK(HasLine(env.Console(again[0]), "GUREUM-IP " + reused_ip));
  REQUIRE(env.cluster().Cli({"terminate-instances", "--instance-ids", again[0]}).exit_code == 0);
  REQUIRE(env.WaitForState(again, "terminated", std::chrono::seconds(120)));
  CHECK(env.ExistingDomains(again).empty());
  CHECK(env.InstanceFiles().empty());
  ReportTiming("test: three instances boot, say who they are, leave nothing",
               SecondsSince(test_start));
}

TEST_CASE("stop start reboot and forced stop work on a direct-boot instance") {
  // This test verifies with a kernel + ramdisk image that stop is a clean ACPI
  // shutdown the guest sees, start boots it again, reboot boots it a third
  // time without leaving running, a forced stop skips the guest's shutdown,
  // and terminate removes everything.
  const Steady::time_point test_start = Steady::now();
  SystemEnv env;
  const std::string image = env.ImportTinyDirectBoot("tiny-direct");
  const std::string boot_line = "GUREUM-BOOT instance-id=";

  const Steady::time_point launched = Steady::now();
  std::vector<std::string> ids = env.Launch(image, 1);
  REQUIRE(ids.size() == 1);
  const std::string id = ids[0];
  REQUIRE(env.WaitForState(ids, "running"));
  ReportTiming("1 instance (direct boot): launch to running", SecondsSince(launched));
  REQUIRE(env.WaitForConsole(id, "GUREUM-READY"));
  ReportTiming("1 instance (direct boot): launch to GUREUM-READY", SecondsSince(launched));
  std::string console = env.Console(id);
  INFO("console:\n" << console);
  CHECK(HasLineStartingWith(console, boot_line + id + " "));
  // No --user-data: the seed carries an empty user-data file.
  CHECK(HasLine(console, "GUREUM-USERDATA sha256=" + Sha256Hex("")));
  CHECK(HasLine(console, "GUREUM-IP " + env.Describe(id)["privateIpAddress"].get<std::string>()));

  // Stop: the guest sees the power button and shuts down by itself.
  Steady::time_point t = Steady::now();
  REQUIRE(env.cluster().Cli({"stop-instances", "--instance-ids", id}).exit_code == 0);
  REQUIRE(env.WaitForState(ids, "stopped", std::chrono::seconds(120)));
  ReportTiming("stop to stopped (ACPI)", SecondsSince(t));
  CHECK(env.Describe(id)["stateReason"]["code"] == "Client.UserInitiatedShutdown");
  CHECK(Occurrences(env.Console(id), "GUREUM-SHUTDOWN") == 1);
  CHECK(env.ExistingDomains(ids).size() == 1);
  CHECK_FALSE(env.DomainRunning(id));

  // Start: a second boot, in the same console log.
  t = Steady::now();
  REQUIRE(env.cluster().Cli({"start-instances", "--instance-ids", id}).exit_code == 0);
  REQUIRE(env.WaitForState(ids, "running"));
  REQUIRE(env.WaitForConsole(id, "GUREUM-READY", 2));
  ReportTiming("start to GUREUM-READY", SecondsSince(t));
  CHECK(Occurrences(env.Console(id), boot_line + id) == 2);

  // Reboot: a third boot; the instance never leaves running.
  t = Steady::now();
  REQUIRE(env.cluster().Cli({"reboot-instances", "--instance-ids", id}).exit_code == 0);
  REQUIRE(env.WaitForConsole(id, "GUREUM-READY", 3));
  ReportTiming("reboot to GUREUM-READY", SecondsSince(t));
  CHECK(Occurrences(env.Console(id), boot_line + id) == 3);
  CHECK(env.Describe(id)["state"]["name"] == "running");
  CHECK(env.DomainRunning(id));

  // Forced stop: off at once, the guest prints no shutdown line.
  const int shutdowns = Occurrences(env.Console(id), "GUREUM-SHUTDOWN");
  t = Steady::now();
  REQUIRE(env.cluster().Cli({"stop-instances", "--force", "--instance-ids", id}).exit_code == 0);
  REQUIRE(env.WaitForState(ids, "stopped", std::chrono::seconds(60)));
  ReportTiming("forced stop to stopped", SecondsSince(t));
  CHECK(Occurrences(env.Console(id), "GUREUM-SHUTDOWN") == shutdowns);
  CHECK_FALSE(env.DomainRunning(id));

  // The console is the log's last 64 KiB, as EC2's: grow the log beyond that
  // while the guest is off and compare with the file's tail.
  const std::string log = env.agent_dir() + "/instances/" + id + "/console.log";
  REQUIRE(std::filesystem::exists(log));
  {
    std::ofstream append(log, std::ios::app | std::ios::binary);
    for (int i = 0; i < 3000; ++i) append << "filler line " << i << " to push the boot out\n";
  }
  const std::string whole = ReadFile(log);
  REQUIRE(whole.size() > 65536);
  RunResult tail = env.cluster().Cli({"get-console-output", "--instance-id", id});
  REQUIRE(tail.exit_code == 0);
  CHECK(tail.out.size() == 65536);
  CHECK(tail.out == whole.substr(whole.size() - 65536));

  const std::string ip = env.Describe(id)["privateIpAddress"];
  const std::string mac = env.Describe(id)["macAddress"];
  REQUIRE(env.cluster().Cli({"terminate-instances", "--instance-ids", id}).exit_code == 0);
  REQUIRE(env.WaitForState(ids, "terminated", std::chrono::seconds(120)));
  CHECK(env.ExistingDomains(ids).empty());
  CHECK(env.InstanceFiles().empty());
  CHECK_FALSE(env.HasDhcpReservation(ip));
  CHECK(Eventually([&] { return !env.HasDhcpLease(mac); }, std::chrono::seconds(10)));
  ReportTiming("test: direct boot stop/start/reboot/force", SecondsSince(test_start));
}

TEST_CASE("a guest that ignores ACPI is powered off on stop and hard-rebooted on reboot") {
  // This test verifies the escalations with a guest booted with acpi=off (it
  // never sees the power button): reboot becomes a reset once the
  // stop timeout passes, and stop becomes a forced power off likewise.
  const Steady::time_point test_start = Steady::now();
  SystemEnv env(SystemEnvOptions{.stop_timeout_s = 15});
  const std::string image = env.ImportTinyDirectBoot("tiny-deaf", "console=ttyS0 acpi=off");
  std::vector<std::string> ids = env.Launch(image, 1);
  REQUIRE(ids.size() == 1);
  const std::string id = ids[0];
  REQUIRE(env.WaitForState(ids, "running"));
  REQUIRE(env.WaitForConsole(id, "GUREUM-READY"));
  const std::string boot_line = "GUREUM-BOOT instance-id=" + id;

  Steady::time_point t = Steady::now();
  REQUIRE(env.cluster().Cli({"reboot-instances", "--instance-ids", id}).exit_code == 0);
  REQUIRE(env.WaitForConsole(id, "GUREUM-READY", 2));
  const double reboot_seconds = SecondsSince(t);
  ReportTiming("reboot of an ACPI-deaf guest to GUREUM-READY", reboot_seconds);
  CHECK(reboot_seconds >= 15);
  CHECK(Occurrences(env.Console(id), boot_line) == 2);
  CHECK(env.Describe(id)["state"]["name"] == "running");

  t = Steady::now();
  REQUIRE(env.cluster().Cli({"stop-instances", "--instance-ids", id}).exit_code == 0);
  REQUIRE(env.WaitForState(ids, "stopped", std::chrono::seconds(120)));
  const double stop_seconds = SecondsSince(t);
  ReportTiming("stop of an ACPI-deaf guest to stopped", stop_seconds);
  CHECK(stop_seconds >= 15);
  CHECK(Occurrences(env.Console(id), "GUREUM-SHUTDOWN") == 0);
  CHECK_FALSE(env.DomainRunning(id));

  REQUIRE(env.cluster().Cli({"terminate-instances", "--instance-ids", id}).exit_code == 0);
  REQUIRE(env.WaitForState(ids, "terminated", std::chrono::seconds(120)));
  CHECK(env.ExistingDomains(ids).empty());
  CHECK(env.InstanceFiles().empty());
  ReportTiming("test: ACPI-deaf guest escalations", SecondsSince(test_start));
}

}  // namespace
}  // namespace gureum::testing
