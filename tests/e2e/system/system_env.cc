#include "tests/e2e/system/system_env.h"

#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>

namespace gureum::testing {
namespace {

namespace fs = std::filesystem;

std::string RandomSuffix() {
  std::mt19937 random(std::random_device{}());
  const char* hex = "0123456789abcdef";
  std::string suffix;
  for (int i = 0; i < 6; ++i) suffix += hex[random() % 16];
  return "s" + suffix;
}

// Built once per process when $GUREUM_IMAGES_DIR is not set; removed at exit.
class BuiltImages {
 public:
  BuiltImages() {
    char pattern[] = "/tmp/gureum-system-images-XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    chmod(dir_.c_str(), 0755);
    std::cerr << "building the tiny image into " << dir_ << " (set GUREUM_IMAGES_DIR to skip)\n";
    RunResult r =
        Run({std::string(GUREUM_SOURCE_DIR) + "/deploy/images/build-tiny-image.sh", "--out", dir_},
            std::chrono::minutes(10));
    if (r.exit_code != 0) {
      throw std::runtime_error("build-tiny-image.sh failed: " + r.err.substr(0, 2000));
    }
  }
  ~BuiltImages() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace

int Occurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string SystemEnv::ImagesDir() {
  if (const char* dir = std::getenv("GUREUM_IMAGES_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  static BuiltImages built;
  return built.dir();
}

SystemEnv::SystemEnv(SystemEnvOptions options) : network_(raw_, RandomSuffix()) {
  ImagesDir();  // fail early, before any process starts
  cluster_.AddControllerArgs({"--network", network_.name(), "--network-cidr", network_.Cidr()});
  cluster_.StartController();
  AgentSpec spec;
  spec.host_name = "vmhost";
  spec.driver = "libvirt";
  spec.extra_args = {"--network", network_.name(),    "--virt-type",
                     "auto",      "--stop-timeout-s", std::to_string(options.stop_timeout_s)};
  agent_ = cluster_.AddAgent(spec);
  if (!cluster_.WaitForHostsUp(1, std::chrono::seconds(60))) {
    throw std::runtime_error("the libvirt agent did not come up: " +
                             cluster_.agent(agent_)->Stderr().substr(0, 4000));
  }
}

SystemEnv::~SystemEnv() {
  // The agent goes first so that it cannot recreate what is removed below.
  if (cluster_.agent(agent_) != nullptr && cluster_.agent(agent_)->Running()) {
    cluster_.StopAgent(agent_, /*kill9=*/true);
  }
  for (const std::string& id : launched_) raw_.RemoveDomain("gureum-" + id);
}

std::string SystemEnv::ImportImage(const std::string& name, const std::string& source_path,
                                   const std::vector<std::string>& extra_args) {
  std::vector<std::string> args{"import-image", "--name", name, "--source-path", source_path};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return cluster_.CliJson(args)["imageId"];
}

std::string SystemEnv::ImportTinyDisk(const std::string& name) {
  return ImportImage(name, ImagesDir() + "/tiny-disk.qcow2");
}

std::string SystemEnv::ImportTinyDirectBoot(const std::string& name,
                                            const std::string& kernel_args) {
  // ImportImage wants a disk; the guest never needs it (its root is the initramfs).
  const std::string disk = cluster_.dir() + "/" + name + "-empty.raw";
  WriteFile(disk, std::string(1 << 20, '\0'));
  return ImportImage(name, disk,
                     {"--kernel-path", ImagesDir() + "/tiny-vmlinuz", "--ramdisk-path",
                      ImagesDir() + "/tiny-initrd.img", "--kernel-args", kernel_args});
}

std::vector<std::string> SystemEnv::Launch(const std::string& image_id, int count,
                                           const std::vector<std::string>& extra_args) {
  std::vector<std::string> args{"run-instances",      "--image-id", image_id,
                                "--instance-type",    "g1.nano",    "--count",
                                std::to_string(count)};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  nlohmann::json reply = cluster_.CliJson(args);
  std::vector<std::string> ids;
  for (const auto& instance : reply["instances"]) ids.push_back(instance["instanceId"]);
  launched_.insert(launched_.end(), ids.begin(), ids.end());
  return ids;
}

nlohmann::json SystemEnv::Describe(const std::string& id) {
  nlohmann::json doc = cluster_.CliJson({"describe-instances", "--instance-ids", id});
  if (doc["instances"].size() != 1) throw std::runtime_error("no instance " + id);
  return doc["instances"][0];
}

std::string SystemEnv::Console(const std::string& id) {
  RunResult r = cluster_.Cli({"get-console-output", "--instance-id", id});
  if (r.exit_code != 0) return "";
  r.out.erase(std::remove(r.out.begin(), r.out.end(), '\r'), r.out.end());
  return r.out;
}

bool SystemEnv::WaitForConsole(const std::string& id, const std::string& needle, int times,
                               std::chrono::milliseconds timeout) {
  return Eventually([&] { return Occurrences(Console(id), needle) >= times; }, timeout,
                    std::chrono::milliseconds(500));
}

bool SystemEnv::WaitForState(const std::vector<std::string>& ids, const std::string& state,
                             std::chrono::milliseconds timeout) {
  return cluster_.WaitForState(ids, state, timeout);
}

std::vector<std::string> SystemEnv::ExistingDomains(const std::vector<std::string>& ids) const {
  std::vector<std::string> existing;
  for (const std::string& id : ids) {
    if (raw_.DomainExists("gureum-" + id)) existing.push_back("gureum-" + id);
  }
  return existing;
}

int SystemEnv::DomainId(const std::string& instance_id) const {
  virDomainPtr domain = virDomainLookupByName(raw_.get(), ("gureum-" + instance_id).c_str());
  if (domain == nullptr) return -1;
  const unsigned int id = virDomainGetID(domain);
  virDomainFree(domain);
  return id == static_cast<unsigned int>(-1) ? -1 : static_cast<int>(id);
}

bool SystemEnv::DomainRunning(const std::string& instance_id) const {
  virDomainPtr domain = virDomainLookupByName(raw_.get(), ("gureum-" + instance_id).c_str());
  if (domain == nullptr) return false;
  int state = 0;
  int reason = 0;
  const bool running =
      virDomainGetState(domain, &state, &reason, 0) == 0 && state == VIR_DOMAIN_RUNNING;
  virDomainFree(domain);
  return running;
}

std::vector<std::string> SystemEnv::InstanceFiles() const {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(agent_dir() + "/instances", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool SystemEnv::HasDhcpReservation(const std::string& mac_or_ip) const {
  const std::string xml = network_.Xml();
  for (size_t at = xml.find("<host "); at != std::string::npos; at = xml.find("<host ", at + 1)) {
    const std::string entry = xml.substr(at, xml.find('>', at) - at);
    if (entry.find("'" + mac_or_ip + "'") != std::string::npos ||
        entry.find("\"" + mac_or_ip + "\"") != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool SystemEnv::HasDhcpLease(const std::string& mac) const {
  virNetworkPtr network = virNetworkLookupByName(raw_.get(), network_.name().c_str());
  if (network == nullptr) return false;
  virNetworkDHCPLeasePtr* leases = nullptr;
  const int count = virNetworkGetDHCPLeases(network, mac.c_str(), &leases, 0);
  for (int i = 0; i < count; ++i) virNetworkDHCPLeaseFree(leases[i]);
  free(leases);
  virNetworkFree(network);
  return count > 0;
}

void SystemEnv::StopAgent(bool kill9) { cluster_.StopAgent(agent_, kill9); }

void SystemEnv::StartAgent() { cluster_.StartAgent(agent_); }

void SystemEnv::KillAndRestartLibvirtd() {
  // Our own libvirt connections write to the dead daemon's socket.
  std::signal(SIGPIPE, SIG_IGN);
  std::ifstream pid_file("/run/libvirtd.pid");
  pid_t pid = 0;
  if (!(pid_file >> pid) || pid <= 1) throw std::runtime_error("no /run/libvirtd.pid");
  if (kill(pid, SIGKILL) != 0) throw std::runtime_error("cannot kill libvirtd");
  if (!Eventually([&] { return kill(pid, 0) != 0; }, std::chrono::seconds(30))) {
    throw std::runtime_error("libvirtd did not die");
  }
  std::remove("/run/libvirtd.pid");
  if (std::system("libvirtd -d") != 0) throw std::runtime_error("cannot start libvirtd");
  raw_.Reconnect();
}

}  // namespace gureum::testing
