// SystemEnv: one host running real VMs for a system test, driven only as a
// user would, through the `gureum` CLI: a controller whose IPAM hands out
// addresses of an isolated libvirt test network, one agent with the libvirt
// driver on qemu:///system (virt type auto: TCG on these machines), and the
// tiny test image (from $GUREUM_IMAGES_DIR, else built once per process).
//
// What the tests check behind Gureum's back (domains, their ids, DHCP
// reservations) is read over a plain libvirt connection. On destruction the
// agent stops, every domain of an instance launched through this object is
// destroyed and undefined, and the network and all files are removed, whether
// or not the test got to terminate them. Not thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/raw_connection.h"
#include "tests/support/test_cluster.h"
#include "tests/support/test_network.h"

namespace gureum::testing {

// Generous: guests run under TCG on a loaded 2-core machine.
inline constexpr std::chrono::seconds kBootTimeout{240};

struct SystemEnvOptions {
  // The agent's --stop-timeout-s: how long a guest may ignore an ACPI
  // shutdown or reboot before it is powered off (and, for reboot, started).
  int stop_timeout_s = 30;
};

class SystemEnv {
 public:
  explicit SystemEnv(SystemEnvOptions options = {});
  ~SystemEnv();
  SystemEnv(const SystemEnv&) = delete;
  SystemEnv& operator=(const SystemEnv&) = delete;

  // The directory with tiny-vmlinuz, tiny-initrd.img and tiny-disk.qcow2.
  static std::string ImagesDir();

  // import-image of a file; returns the image id.
  std::string ImportImage(const std::string& name, const std::string& source_path,
                          const std::vector<std::string>& extra_args = {});
  // The tiny whole-disk image (BIOS boot from the disk).
  std::string ImportTinyDisk(const std::string& name);
  // The tiny kernel + initramfs as a direct-boot image (with a small empty
  // disk) booted with `kernel_args`.
  std::string ImportTinyDirectBoot(const std::string& name,
                                   const std::string& kernel_args = "console=ttyS0");

  // run-instances; returns the new ids (remembered for cleanup).
  std::vector<std::string> Launch(const std::string& image_id, int count,
                                  const std::vector<std::string>& extra_args = {});
  // The instance as describe-instances shows it.
  nlohmann::json Describe(const std::string& id);
  // get-console-output (raw), with "\r" removed.
  std::string Console(const std::string& id);
  // Polls the console until `needle` occurs at least `times` times.
  bool WaitForConsole(const std::string& id, const std::string& needle, int times = 1,
                      std::chrono::milliseconds timeout = kBootTimeout);
  bool WaitForState(const std::vector<std::string>& ids, const std::string& state,
                    std::chrono::milliseconds timeout = kBootTimeout);

  // Behind Gureum's back: the libvirt domains of these instances that exist.
  std::vector<std::string> ExistingDomains(const std::vector<std::string>& ids) const;
  // The running domain's libvirt id (-1 if not running), its state name.
  int DomainId(const std::string& instance_id) const;
  bool DomainRunning(const std::string& instance_id) const;
  // Entries under the agent's instances/ directory (overlays, seeds, logs).
  std::vector<std::string> InstanceFiles() const;
  // Whether the test network's DHCP has a host entry with this MAC or IP.
  bool HasDhcpReservation(const std::string& mac_or_ip) const;
  // Whether the network's DHCP server holds a lease for this MAC.
  bool HasDhcpLease(const std::string& mac) const;

  // SIGKILL (or SIGTERM) the agent and start it again on the same data dir.
  void StopAgent(bool kill9);
  void StartAgent();
  // SIGKILL libvirtd (its guests' QEMU processes live on), start it again and
  // reconnect the test's own libvirt connection.
  void KillAndRestartLibvirtd();

  TestCluster& cluster() { return cluster_; }
  TestNetwork& network() { return network_; }
  const RawConnection& raw() const { return raw_; }
  std::string agent_dir() const { return cluster_.AgentDir(agent_); }

 private:
  mutable RawConnection raw_;
  TestNetwork network_;
  TestCluster cluster_;
  int agent_ = -1;
  std::vector<std::string> launched_;
};

// Number of non-overlapping occurrences of `needle` in `text`.
int Occurrences(const std::string& text, const std::string& needle);

// Seconds since `start`, for the timings the tests print.
double SecondsSince(std::chrono::steady_clock::time_point start);

}  // namespace gureum::testing
