// BenchNetwork: an isolated libvirt NAT-less network for the launch bench
// (a bridge, dnsmasq for DHCP, nothing routed off the host). Gureum's
// controller allocates from the whole /24 and the agent reserves each
// instance's address (low addresses); the baseline domains reserve
// .201-.250 the same way, so the two never collide (the dynamic range
// .100-.200 serves nobody in the bench). With a `hosts_dir`, dnsmasq also
// reads reservations from that directory (dhcp-hostsdir), which the agent
// then uses instead of virNetworkUpdate. A leftover
// network of the same name (an interrupted run) is replaced. Destroyed and
// undefined when this object goes. Not thread-safe.
#pragma once

#include <libvirt/libvirt.h>

#include <string>

#include <absl/status/status.h>

namespace gureum::bench {

class BenchNetwork {
 public:
  // `prefix` is the first three octets, e.g. "10.232.77".
  BenchNetwork(virConnectPtr conn, std::string name, std::string prefix, std::string hosts_dir = "")
      : conn_(conn),
        name_(std::move(name)),
        prefix_(std::move(prefix)),
        hosts_dir_(std::move(hosts_dir)) {}
  ~BenchNetwork();
  BenchNetwork(const BenchNetwork&) = delete;
  BenchNetwork& operator=(const BenchNetwork&) = delete;

  // Defines and starts it.
  absl::Status Create();
  const std::string& name() const { return name_; }
  std::string Cidr() const { return prefix_ + ".0/24"; }

 private:
  void Remove();

  virConnectPtr conn_;
  const std::string name_;
  const std::string prefix_;
  const std::string hosts_dir_;
  bool created_ = false;
};

}  // namespace gureum::bench
