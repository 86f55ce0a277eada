// LaunchBench: real VMs from the tiny direct-boot image (kernel + initramfs,
// prints GUREUM-READY on its serial console). Starts a controller, a
// libvirt agent on this host (--virt-type qemu) and an isolated network,
// then, alternating, boots bare libvirt domains (virDomainCreateXML of a
// copy of the agent's own domain XML, see BaselineLauncher) and Gureum
// instances (`gureum run-instances --wait`, the real CLI), timing each to
// the marker the same way (MarkerWatch on the virtlogd console log). Also:
// Gureum's own overhead (launch_time -> libvirt's STARTED event) with a
// breakdown from the agent's log and the controller's events, concurrent
// launches, and the agent's RSS idle and with many guests. Everything it
// creates is removed at the end. Prints the figures; not thread-safe.
#pragma once

#include <string>
#include <vector>

namespace gureum::bench {

struct LaunchBenchOptions {
  std::string controller_binary;
  std::string agent_binary;
  std::string cli_binary;
  std::vector<std::string> controller_args;
  std::vector<std::string> agent_args;
  std::string work_dir = "/tmp/gureum-bench-launch";
  // tiny-vmlinuz and tiny-initrd.img (deploy/images/build-tiny-image.sh).
  std::string images_dir;
  std::string libvirt_uri = "qemu:///system";
  std::string subnet = "10.232.77";  // first three octets of the bench network
  // Reservations through dnsmasq's hosts directory (files) rather than
  // libvirt's virNetworkUpdate.
  bool dhcp_hosts_dir = true;
  std::string instance_type = "g1.nano";
  std::string api_key;
  int launches = 10;    // of each kind, alternating
  int concurrent = 10;  // 0 = skip
  int rss_guests = 20;  // 0 = skip
  int idle_settle_s = 10;
  int poll_ms = 5;
  int timeout_s = 300;
  bool keep_work_dir = false;
};

class LaunchBench {
 public:
  explicit LaunchBench(LaunchBenchOptions options) : options_(std::move(options)) {}
  // Runs the whole benchmark; returns the process exit code.
  int Run();

 private:
  LaunchBenchOptions options_;
};

}  // namespace gureum::bench
