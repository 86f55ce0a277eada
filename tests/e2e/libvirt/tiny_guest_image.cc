#include "tests/e2e/libvirt/tiny_guest_image.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace gureum::agent::testing {
namespace fs = std::filesystem;
namespace {

// Modules the init loads: power button events, virtio disk and NIC, the IDE
// cdrom and its filesystem. Their dependencies come along from modules.dep.
const std::vector<std::string> kModules = {"evdev",      "button",   "virtio_pci", "virtio_blk",
                                           "virtio_net", "ata_piix", "sr_mod",     "isofs"};

void Run(const std::string& command) {
  if (std::system(command.c_str()) != 0) throw std::runtime_error("command failed: " + command);
}

void WriteFile(const fs::path& path, const std::string& text, mode_t mode = 0644) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
  chmod(path.c_str(), mode);
}

std::string FindCloudKernelVersion() {
  for (const auto& entry : fs::directory_iterator("/boot")) {
    const std::string name = entry.path().filename().string();
    const std::string prefix = "vmlinuz-";
    if (name.rfind(prefix, 0) == 0 && name.find("-cloud-amd64") != std::string::npos) {
      return name.substr(prefix.size());
    }
  }
  throw std::runtime_error(
      "no /boot/vmlinuz-*-cloud-amd64: apt-get install linux-image-cloud-amd64");
}

// "kernel/drivers/ata/ata_piix.ko" -> "ata_piix"
std::string ModuleName(const std::string& path) { return fs::path(path).stem().string(); }

// Module name -> (relative path, dependencies) from modules.dep.
std::map<std::string, std::pair<std::string, std::vector<std::string>>> ReadModulesDep(
    const fs::path& modules_dir) {
  std::ifstream in(modules_dir / "modules.dep");
  if (!in) throw std::runtime_error("cannot read " + (modules_dir / "modules.dep").string());
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> deps;
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string path = line.substr(0, colon);
    std::istringstream rest(line.substr(colon + 1));
    std::vector<std::string> needs;
    for (std::string dep; rest >> dep;) needs.push_back(ModuleName(dep));
    deps[ModuleName(path)] = {path, needs};
  }
  return deps;
}

// Dependencies first, each module once.
void LoadOrder(const std::string& module,
               const std::map<std::string, std::pair<std::string, std::vector<std::string>>>& deps,
               std::set<std::string>* seen, std::vector<std::string>* order) {
  if (seen->count(module) != 0) return;
  seen->insert(module);
  auto found = deps.find(module);
  if (found == deps.end()) throw std::runtime_error("module not in modules.dep: " + module);
  for (const std::string& dep : found->second.second) LoadOrder(dep, deps, seen, order);
  order->push_back(module);
}

std::string InitScript(const std::vector<std::string>& modules) {
  std::string load;
  for (const std::string& module : modules) load += "insmod /lib/modules/" + module + ".ko\n";
  const std::string head = R"SH(#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /run /seed
# Kernel messages would interleave with the markers.
echo "1 4 1 7" > /proc/sys/kernel/printk
say() { echo "$*" > /dev/ttyS0; }
say "GUREUM-E2E boot"
)SH";
  const std::string tail = R"SH(
# busybox acpid opens /dev/input/event* once: wait for the power button's.
for i in $(seq 1 50); do grep -q "Power Button" /proc/bus/input/devices && break; usleep 100000; done
usleep 200000
# Daemonized, busybox acpid exits if it cannot open its log (default /var/log).
acpid -c /etc/acpi -l /run/acpid.log
wait_for() { for i in $(seq 1 100); do [ -b "$1" ] && return 0; usleep 100000; done; return 1; }
if wait_for /dev/sr0 && mount -t iso9660 -o ro /dev/sr0 /seed; then
  say "GUREUM-E2E seed $(cat /seed/token)"
else
  say "GUREUM-E2E seed none"
fi
wait_for /dev/vda && say "GUREUM-E2E disk vda"
ip link set lo up
address=none
if ip link set eth0 up 2>/dev/null && udhcpc -i eth0 -s /etc/udhcpc.script -t 5 -T 2 -n -q > /run/udhcpc.log 2>&1; then
  address=$(cat /run/ip)
fi
say "GUREUM-E2E ip $address"
say "GUREUM-E2E ready"
while :; do sleep 3600; done
)SH";
  return head + load + tail;
}

}  // namespace

TinyGuestImage TinyGuestImage::Build(const fs::path& dir, const std::string& seed_token) {
  TinyGuestImage image;
  image.kernel_version = FindCloudKernelVersion();
  const fs::path modules_dir = fs::path("/lib/modules") / image.kernel_version;
  if (!fs::exists("/bin/busybox")) {
    throw std::runtime_error("no /bin/busybox: apt-get install busybox-static");
  }

  const fs::path root = dir / "initramfs";
  for (const char* sub : {"bin", "dev", "proc", "sys", "lib/modules", "etc/acpi/PWRF"}) {
    fs::create_directories(root / sub);
  }
  fs::copy_file("/bin/busybox", root / "bin/busybox");
  const auto deps = ReadModulesDep(modules_dir);
  std::set<std::string> seen;
  std::vector<std::string> order;
  for (const std::string& module : kModules) LoadOrder(module, deps, &seen, &order);
  for (const std::string& module : order) {
    fs::copy_file(modules_dir / deps.at(module).first, root / "lib/modules" / (module + ".ko"));
  }
  WriteFile(root / "init", InitScript(order), 0755);
  WriteFile(root / "etc/acpi/PWRF/00000080",
            "#!/bin/busybox sh\necho 'GUREUM-E2E power-button' > /dev/ttyS0\npoweroff -f\n", 0755);
  WriteFile(root / "etc/udhcpc.script",
            "#!/bin/busybox sh\n"
            "[ \"$1\" = bound ] && ip addr add \"$ip/${mask:-24}\" dev \"$interface\" && "
            "echo \"$ip\" > /run/ip\nexit 0\n",
            0755);

  image.kernel_path = (dir / "vmlinuz").string();
  image.initrd_path = (dir / "initrd.img").string();
  image.disk_path = (dir / "disk.qcow2").string();
  image.seed_iso_path = (dir / "seed.iso").string();
  fs::copy_file("/boot/vmlinuz-" + image.kernel_version, image.kernel_path);
  Run("cd '" + root.string() + "' && find . | cpio -o -H newc --quiet | gzip -1 > '" +
      image.initrd_path + "'");
  Run("qemu-img create -q -f qcow2 '" + image.disk_path + "' 16M");
  const fs::path seed_dir = dir / "seed";
  fs::create_directories(seed_dir);
  WriteFile(seed_dir / "token", seed_token + "\n");
  WriteFile(seed_dir / "meta-data", "instance-id: e2e\n");
  Run("genisoimage -quiet -V cidata -r -J -o '" + image.seed_iso_path + "' '" + seed_dir.string() +
      "'");
  return image;
}

}  // namespace gureum::agent::testing
