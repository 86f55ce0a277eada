// TestNetwork: an isolated libvirt network for one test run: no <forward>, so
// guest traffic never leaves the host bridge; a unique name, bridge and
// 10.231.X.0/24 subnet that no interface or libvirt network on the host uses.
// Defined but not started, so the code under test has to start it; destroyed
// and undefined on destruction. With a `hosts_dir`, the network's dnsmasq
// reads DHCP reservations from that directory (created here, removed on
// destruction) as well. Not thread-safe.
#pragma once

#include <string>

#include "tests/support/raw_connection.h"

namespace gureum::testing {

class TestNetwork {
 public:
  TestNetwork(const RawConnection& conn, const std::string& suffix, std::string hosts_dir = "");
  ~TestNetwork();
  TestNetwork(const TestNetwork&) = delete;
  TestNetwork& operator=(const TestNetwork&) = delete;

  const std::string& name() const { return name_; }
  // "10.231.X.<host>"
  std::string Ip(int host) const;
  // "10.231.X.0/24"
  std::string Cidr() const;
  // The network's live definition (its persistent one while stopped), e.g.
  // to look for DHCP reservations; "" if it is gone.
  std::string Xml() const;
  // Whether libvirt reports it running / autostarted (read behind the driver's back).
  bool IsActive() const;
  bool IsAutostart() const;

 private:
  std::string DnsmasqOptions() const;

  const RawConnection& conn_;
  std::string name_;
  std::string hosts_dir_;
  int third_octet_ = 0;
};

}  // namespace gureum::testing
