#include "agent/hypervisor/libvirt/virt_type_choice.h"

#include <algorithm>
#include <set>

#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <pugixml.hpp>

namespace gureum::agent {
namespace {

// Models that prove nothing about usable hardware virtualization: 32-bit-only
// CPUs (no long mode) and the generic baselines, which even a crippled nested
// KVM may report as usable.
const std::set<std::string>& UnconvincingModels() {
  static const auto* models = new std::set<std::string>{
      "486",     "pentium", "pentium2", "pentium3", "athlon", "n270",
      "coreduo", "qemu32",  "kvm32",    "qemu64",   "kvm64",
  };
  return *models;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ModernUsableCpuModels(const std::string& domain_caps_xml) {
  pugi::xml_document doc;
  if (!doc.load_string(domain_caps_xml.c_str())) {
    return absl::InvalidArgumentError("domain capabilities are not well-formed XML");
  }
  pugi::xml_node caps = doc.child("domainCapabilities");
  if (!caps) return absl::InvalidArgumentError("no <domainCapabilities> element");
  const std::string arch = caps.child_value("arch");
  if (arch != "x86_64") {
    return absl::InvalidArgumentError(
        absl::StrCat("domain capabilities are for arch '", arch, "', want x86_64"));
  }
  std::vector<std::string> models;
  pugi::xml_node custom = caps.child("cpu").find_child_by_attribute("mode", "name", "custom");
  if (!custom || std::string(custom.attribute("supported").value()) != "yes") return models;
  for (pugi::xml_node model : custom.children("model")) {
    if (std::string(model.attribute("usable").value()) != "yes") continue;
    std::string name = model.child_value();
    if (UnconvincingModels().count(name) == 0) models.push_back(std::move(name));
  }
  return models;
}

absl::StatusOr<VirtTypeChoice> ChooseVirtType(const std::string& requested,
                                              const absl::StatusOr<std::string>& kvm_domain_caps) {
  if (requested == "kvm" || requested == "qemu") {
    return VirtTypeChoice{requested,
                          absl::StrCat("virt_type=", requested, " set by configuration")};
  }
  if (requested != "auto") {
    return absl::InvalidArgumentError(
        absl::StrCat("virt_type must be auto, kvm or qemu, not '", requested, "'"));
  }
  if (!kvm_domain_caps.ok()) {
    return VirtTypeChoice{
        "qemu", absl::StrCat("auto: kvm is not offered by libvirt (",
                             kvm_domain_caps.status().message(), "); using qemu (TCG emulation)")};
  }
  absl::StatusOr<std::vector<std::string>> models = ModernUsableCpuModels(*kvm_domain_caps);
  if (!models.ok()) {
    return VirtTypeChoice{"qemu",
                          absl::StrCat("auto: kvm domain capabilities unreadable (",
                                       models.status().message(), "); using qemu (TCG emulation)")};
  }
  if (models->empty()) {
    return VirtTypeChoice{"qemu",
                          "auto: kvm offers no usable x86-64 CPU model beyond generic or "
                          "pentium-era ones (nested or crippled KVM); using qemu (TCG emulation)"};
  }
  const size_t shown = std::min<size_t>(models->size(), 3);
  return VirtTypeChoice{
      "kvm", absl::StrCat("auto: kvm offers ", models->size(), " usable x86-64 CPU models (",
                          absl::StrJoin(models->begin(), models->begin() + shown, ", "),
                          models->size() > shown ? ", ..." : "", "); using kvm")};
}

}  // namespace gureum::agent
