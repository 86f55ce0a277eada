#include "agent/hypervisor/libvirt/virt_type_choice.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

namespace gureum::agent {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(GUREUM_SOURCE_DIR) + "/tests/unit/agent_libvirt/testdata/" + name);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("auto picks qemu on a nested host whose kvm offers only pentium-era models") {
  // This test verifies that the real domain capabilities of a nested dev
  // machine (usable: pentium, pentium2, pentium3, 486) lead auto to qemu.
  absl::StatusOr<VirtTypeChoice> choice = ChooseVirtType("auto", Fixture("domcaps_kvm_nested.xml"));
  REQUIRE(choice.ok());
  CHECK(choice->virt_type == "qemu");
  CHECK(choice->reason.find("no usable x86-64 CPU model") != std::string::npos);
}

TEST_CASE("auto does not count the generic kvm64 model as a usable CPU") {
  // This test verifies that a nested host reporting kvm64 as usable besides
  // pentium-era models still gets qemu: kvm64 says nothing about real KVM.
  absl::StatusOr<std::vector<std::string>> models =
      ModernUsableCpuModels(Fixture("domcaps_kvm_nested_kvm64.xml"));
  REQUIRE(models.ok());
  CHECK(models->empty());
  absl::StatusOr<VirtTypeChoice> choice =
      ChooseVirtType("auto", Fixture("domcaps_kvm_nested_kvm64.xml"));
  REQUIRE(choice.ok());
  CHECK(choice->virt_type == "qemu");
}

TEST_CASE("auto picks kvm when kvm offers modern x86-64 CPU models") {
  // This test verifies that a host whose kvm capabilities list Haswell and
  // friends as usable gets kvm, and the reason names some of them.
  const std::string caps = Fixture("domcaps_kvm_modern.xml");
  absl::StatusOr<std::vector<std::string>> models = ModernUsableCpuModels(caps);
  REQUIRE(models.ok());
  CHECK(models->size() == 10);
  CHECK(std::find(models->begin(), models->end(), "Haswell") != models->end());
  CHECK(std::find(models->begin(), models->end(), "qemu64") == models->end());
  absl::StatusOr<VirtTypeChoice> choice = ChooseVirtType("auto", caps);
  REQUIRE(choice.ok());
  CHECK(choice->virt_type == "kvm");
  CHECK(choice->reason.find("10 usable x86-64 CPU models") != std::string::npos);
}

TEST_CASE("auto picks qemu when libvirt cannot describe kvm at all") {
  // This test verifies that an error from virConnectGetDomainCapabilities
  // (no /dev/kvm) or unreadable capabilities fall back to qemu with the cause.
  absl::StatusOr<VirtTypeChoice> choice =
      ChooseVirtType("auto", absl::InvalidArgumentError("KVM is not supported"));
  REQUIRE(choice.ok());
  CHECK(choice->virt_type == "qemu");
  CHECK(choice->reason.find("KVM is not supported") != std::string::npos);
  choice = ChooseVirtType("auto", std::string("<domainCapabilities><arch>aarch64</arch>"));
  REQUIRE(choice.ok());
  CHECK(choice->virt_type == "qemu");
  CHECK(choice->reason.find("unreadable") != std::string::npos);
}

TEST_CASE("a forced virt type is taken as is and an unknown one is refused") {
  // This test verifies that kvm and qemu are honoured without looking at
  // capabilities, and that other values are InvalidArgument.
  const std::string modern = Fixture("domcaps_kvm_modern.xml");
  CHECK(ChooseVirtType("qemu", modern)->virt_type == "qemu");
  CHECK(ChooseVirtType("kvm", Fixture("domcaps_kvm_nested.xml"))->virt_type == "kvm");
  CHECK(absl::IsInvalidArgument(ChooseVirtType("xen", modern).status()));
}

TEST_CASE("capabilities for another architecture are rejected") {
  // This test verifies that only x86_64 domain capabilities are accepted.
  CHECK(absl::IsInvalidArgument(
      ModernUsableCpuModels("<domainCapabilities><arch>aarch64</arch></domainCapabilities>")
          .status()));
  CHECK(absl::IsInvalidArgument(ModernUsableCpuModels("<other/>").status()));
}

}  // namespace
}  // namespace gureum::agent
