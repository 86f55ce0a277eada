// RawConnection: a plain libvirt connection the tests use behind the driver's
// back (foreign domains, test networks, cleanup), so that what they check does
// not depend on the code under test. Not thread-safe.
#pragma once

#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <stdexcept>
#include <string>

namespace gureum::testing {

inline constexpr char kSystemUri[] = "qemu:///system";

class RawConnection {
 public:
  RawConnection() : conn_(virConnectOpen(kSystemUri)) {
    if (conn_ == nullptr) throw std::runtime_error("cannot connect to qemu:///system");
    // Lookups of absent domains are expected here; keep them off stderr.
    virConnSetErrorFunc(conn_, nullptr, [](void*, virErrorPtr) {});
  }
  ~RawConnection() { virConnectClose(conn_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  virConnectPtr get() const { return conn_; }

  // Opens a new connection (after libvirtd was restarted); the old one is
  // closed. Retries for up to 30 s while the daemon comes up.
  void Reconnect() {
    virConnectClose(conn_);
    conn_ = nullptr;
    for (int attempt = 0; attempt < 300 && conn_ == nullptr; ++attempt) {
      conn_ = virConnectOpen(kSystemUri);
      if (conn_ == nullptr) usleep(100 * 1000);
    }
    if (conn_ == nullptr) throw std::runtime_error("cannot reconnect to qemu:///system");
    virConnSetErrorFunc(conn_, nullptr, [](void*, virErrorPtr) {});
  }

  // Destroys (if running) and undefines a domain by name; quiet if absent.
  void RemoveDomain(const std::string& name) const {
    virDomainPtr domain = virDomainLookupByName(conn_, name.c_str());
    if (domain == nullptr) return;
    if (virDomainIsActive(domain) == 1) virDomainDestroy(domain);
    virDomainUndefineFlags(domain, VIR_DOMAIN_UNDEFINE_NVRAM);
    virDomainFree(domain);
  }

  bool DomainExists(const std::string& name) const {
    virDomainPtr domain = virDomainLookupByName(conn_, name.c_str());
    if (domain == nullptr) return false;
    virDomainFree(domain);
    return true;
  }

 private:
  virConnectPtr conn_;
};

}  // namespace gureum::testing
