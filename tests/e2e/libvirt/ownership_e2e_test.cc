// End-to-end: the driver sees and touches only the domains Gureum owns.
#include <cstdlib>

#include <catch2/catch.hpp>

#include "tests/e2e/libvirt/e2e_env.h"
#include "tests/support/raw_connection.h"

namespace gureum::agent::testing {
namespace {

// Defines a never-started domain behind the driver's back; `metadata` is
// extra XML inside <metadata> (may be empty).
void DefineForeign(const RawConnection& raw, const std::string& name, const std::string& metadata) {
  const std::string xml = "<domain type='qemu'><name>" + name + "</name><metadata>" + metadata +
                          "</metadata><memory unit='MiB'>32</memory><os><type arch='x86_64' "
                          "machine='pc'>hvm</type></os></domain>";
  virDomainPtr domain = virDomainDefineXML(raw.get(), xml.c_str());
  REQUIRE(domain != nullptr);
  virDomainFree(domain);
}

std::string XmlOf(const RawConnection& raw, const std::string& name) {
  virDomainPtr domain = virDomainLookupByName(raw.get(), name.c_str());
  if (domain == nullptr) return "";
  char* xml = virDomainGetXMLDesc(domain, VIR_DOMAIN_XML_INACTIVE);
  std::string out = xml != nullptr ? xml : "";
  free(xml);
  virDomainFree(domain);
  return out;
}

TEST_CASE("the libvirt driver lists only Gureum's domains and leaves foreign ones alone") {
  // This test verifies that domains without Gureum's metadata, even when
  // named like Gureum's, never appear in List and are refused with NotFound
  // (or AlreadyExists for Define) by every call, and stay exactly as they were.
  RawConnection raw;
  E2eEnv env;
  const std::string plain = "e2e-foreign-" + env.suffix;
  const std::string lookalike_id = "i-lookalike" + env.suffix;
  const std::string other_ns_id = "i-otherns" + env.suffix;
  for (const std::string& name : {plain, "gureum-" + lookalike_id, "gureum-" + other_ns_id}) {
    env.RemoveAtEnd(name);
  }
  DefineForeign(raw, plain, "");
  DefineForeign(raw, "gureum-" + lookalike_id, "");
  DefineForeign(raw, "gureum-" + other_ns_id,
                "<x:instance xmlns:x='https://example.com/not-gureum'><x:id>" + other_ns_id +
                    "</x:id></x:instance>");
  const std::string before_plain = XmlOf(raw, plain);
  const std::string before_lookalike = XmlOf(raw, "gureum-" + lookalike_id);
  const std::string before_other_ns = XmlOf(raw, "gureum-" + other_ns_id);

  const std::string id = env.NewInstanceId();
  DomainSpec spec;
  spec.instance_id = id;
  spec.kernel_path = "/boot/vmlinuz-does-not-matter-until-start";
  spec.memory_mib = 64;
  REQUIRE(env.driver->Define(spec).ok());

  absl::StatusOr<std::vector<DomainInfo>> listed = env.driver->List();
  REQUIRE(listed.ok());
  bool saw_ours = false;
  for (const DomainInfo& info : *listed) {
    if (info.instance_id == id) saw_ours = true;
    CHECK(info.instance_id != lookalike_id);
    CHECK(info.instance_id != other_ns_id);
    CHECK(info.instance_id.find("foreign") == std::string::npos);
  }
  CHECK(saw_ours);

  for (const std::string& foreign : {lookalike_id, other_ns_id}) {
    INFO(foreign);
    CHECK(absl::IsNotFound(env.driver->Info(foreign).status()));
    CHECK(absl::IsNotFound(env.driver->Start(foreign)));
    CHECK(absl::IsNotFound(env.driver->PowerOff(foreign)));
    CHECK(absl::IsNotFound(env.driver->Undefine(foreign)));
    CHECK(absl::IsNotFound(env.driver->SetMetadata(foreign, {{"k", "v"}})));
    CHECK(absl::IsNotFound(env.driver->ConsoleOutput(foreign, 100).status()));
    DomainSpec clash = spec;
    clash.instance_id = foreign;
    CHECK(absl::IsAlreadyExists(env.driver->Define(clash)));
  }

  CHECK(XmlOf(raw, plain) == before_plain);
  CHECK(XmlOf(raw, "gureum-" + lookalike_id) == before_lookalike);
  CHECK(XmlOf(raw, "gureum-" + other_ns_id) == before_other_ns);
  REQUIRE(env.driver->Undefine(id).ok());
  CHECK(raw.DomainExists(plain));
}

TEST_CASE("a libvirt driver leaves the domains another owner defined alone") {
  // This test verifies that two drivers with different owners on one daemon
  // (two agents, as parallel tests run them) neither list nor touch each
  // other's domains, while a driver without an owner still sees both.
  RawConnection raw;
  E2eEnv mine;
  E2eEnv theirs;
  DomainSpec spec;
  spec.instance_id = theirs.NewInstanceId();
  spec.kernel_path = "/boot/vmlinuz-does-not-matter-until-start";
  spec.memory_mib = 64;
  REQUIRE(theirs.driver->Define(spec).ok());
  const std::string before = XmlOf(raw, "gureum-" + spec.instance_id);
  CHECK(before.find("<gureum:owner>" + theirs.dir.path().string() + "</gureum:owner>") !=
        std::string::npos);

  absl::StatusOr<std::vector<DomainInfo>> listed = mine.driver->List();
  REQUIRE(listed.ok());
  for (const DomainInfo& info : *listed) CHECK(info.instance_id != spec.instance_id);
  CHECK(absl::IsNotFound(mine.driver->Info(spec.instance_id).status()));
  CHECK(absl::IsNotFound(mine.driver->Start(spec.instance_id)));
  CHECK(absl::IsNotFound(mine.driver->Undefine(spec.instance_id)));
  CHECK(absl::IsNotFound(mine.driver->SetMetadata(spec.instance_id, {{"k", "v"}})));
  CHECK(absl::IsAlreadyExists(mine.driver->Define(spec)));
  CHECK(XmlOf(raw, "gureum-" + spec.instance_id) == before);

  LibvirtDriverOptions unowned;
  unowned.virt_type = "qemu";
  absl::StatusOr<std::unique_ptr<LibvirtDriver>> any = LibvirtDriver::Create(unowned, &mine.clock);
  REQUIRE(any.ok());
  CHECK((*any)->Info(spec.instance_id).ok());

  REQUIRE(theirs.driver->Undefine(spec.instance_id).ok());
  CHECK_FALSE(raw.DomainExists("gureum-" + spec.instance_id));
}

}  // namespace
}  // namespace gureum::agent::testing
