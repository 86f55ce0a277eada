// BaselineLauncher: bare libvirt, Gureum's yardstick. From the domain XML
// the agent generated for a Gureum instance (virDomainGetXMLDesc, inactive)
// it makes equivalent transient domains: a new name and uuid (libvirt picks
// one), a new MAC with a DHCP reservation for a given address in the same
// libvirt network (as the agent reserves each instance's, so both take the
// same DHCP path: a dynamic lease would cost dnsmasq's ping check), its own
// qcow2 overlay of the same cached base image, its
// own serial log, a copy of the instance's seed ISO (the instance is
// terminated before the baseline runs) and Gureum's metadata dropped (so no
// agent takes it for its own); nothing else changes. Thread-safe after
// FromTemplate (Prepare, Create and Remove touch only their own domain).
#pragma once

#include <libvirt/libvirt.h>

#include <cstdint>
#include <string>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

namespace gureum::bench {

struct BaselineDomain {
  std::string name;
  std::string mac;
  std::string ip;
  std::string xml;
  std::string overlay;
  std::string console_log;
};

class BaselineLauncher {
 public:
  // `template_xml`: the Gureum domain's inactive XML; its vda disk must be an
  // overlay of a cached base image. Files go under `dir` (must be reachable
  // by QEMU's user: 0755 on the way).
  static absl::StatusOr<BaselineLauncher> FromTemplate(virConnectPtr conn,
                                                       const std::string& template_xml,
                                                       const std::string& dir);

  // Makes the overlay and the XML of a domain called `name` and reserves
  // `ip` for its MAC (not timed).
  absl::StatusOr<BaselineDomain> Prepare(const std::string& name, const std::string& ip) const;
  // virDomainCreateXML: the domain starts booting when this returns.
  absl::Status Create(const BaselineDomain& domain) const;
  // Destroys the domain (transient: then it is gone), removes its files and
  // its DHCP reservation.
  void Remove(const BaselineDomain& domain) const;

  const std::string& base_image() const { return base_image_; }

 private:
  BaselineLauncher() = default;

  virConnectPtr conn_ = nullptr;
  std::string template_xml_;  // with the seed ISO already pointing at the copy
  std::string dir_;
  std::string network_;  // the NIC's libvirt network
  std::string base_image_;
  std::string base_format_;
  int64_t disk_gib_ = 0;
};

}  // namespace gureum::bench
