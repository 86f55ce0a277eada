// The choice between hardware virtualization (libvirt domain type "kvm") and
// emulation ("qemu", TCG) for every guest on this host, with the reason. Pure
// functions over libvirt's domain capabilities XML; thread-safe.
//
// /dev/kvm can exist and open while KVM is still unusable (nested
// virtualization without CPU features): guests then hang in early boot. The
// signal that separates the two is whether libvirt can offer any real x86-64
// CPU model for kvm; when only generic or pentium-era models are usable, auto
// falls back to qemu, as Nova's virt_type=qemu does in nested CI.
#pragma once

#include <string>
#include <vector>

#include <absl/status/statusor.h>

namespace gureum::agent {

struct VirtTypeChoice {
  std::string virt_type;  // "kvm" | "qemu"
  std::string reason;     // one sentence for logs and operators
};

// requested: "auto" | "kvm" | "qemu" (InvalidArgument otherwise).
// kvm_domain_caps: the result of virConnectGetDomainCapabilities for
// virttype=kvm, arch=x86_64; only consulted for "auto".
absl::StatusOr<VirtTypeChoice> ChooseVirtType(const std::string& requested,
                                              const absl::StatusOr<std::string>& kvm_domain_caps);

// The CPU models of the custom mode marked usable='yes' that are x86-64
// capable and not generic baselines (qemu64, kvm64) or pentium-era models.
// InvalidArgument if the XML is not domain capabilities.
absl::StatusOr<std::vector<std::string>> ModernUsableCpuModels(const std::string& domain_caps_xml);

}  // namespace gureum::agent
