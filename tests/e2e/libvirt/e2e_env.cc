#include "tests/e2e/libvirt/e2e_env.h"

#include <cstdio>
#include <random>
#include <stdexcept>
#include <thread>

#include "agent/hypervisor/libvirt/domain_xml.h"
#include "tests/support/raw_connection.h"

namespace gureum::agent::testing {
namespace {

std::string RandomHex(int digits) {
  std::mt19937_64 random(std::random_device{}());
  std::string out;
  for (int i = 0; i < digits; ++i) out += "0123456789abcdef"[random() % 16];
  return out;
}

}  // namespace

E2eEnv::E2eEnv(const std::string& default_network) : suffix(RandomHex(8)) {
  LibvirtDriverOptions options;
  options.uri = kSystemUri;
  options.virt_type = "auto";
  options.default_network = default_network;
  options.data_dir = dir.path().string();
  options.owner = dir.path().string();
  absl::StatusOr<std::unique_ptr<LibvirtDriver>> created = LibvirtDriver::Create(options, &clock);
  if (!created.ok())
    throw std::runtime_error("LibvirtDriver::Create: " + created.status().ToString());
  driver = *std::move(created);
}

E2eEnv::~E2eEnv() {
  driver.reset();
  try {
    // A fresh connection: the daemon may have restarted during the test.
    RawConnection raw;
    for (const std::string& name : domains_) raw.RemoveDomain(name);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "e2e cleanup failed: %s\n", e.what());
  }
}

std::string E2eEnv::NewInstanceId() {
  std::string id = "i-e2e" + suffix + "-" + std::to_string(next_++);
  RemoveAtEnd(DomainXml::DomainName(id));
  return id;
}

void E2eEnv::RemoveAtEnd(const std::string& domain_name) { domains_.push_back(domain_name); }

std::string E2eEnv::NewMac() {
  const std::string hex = RandomHex(6);
  return "52:54:00:" + hex.substr(0, 2) + ":" + hex.substr(2, 2) + ":" + hex.substr(4, 2);
}

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

int CountOf(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

}  // namespace gureum::agent::testing
