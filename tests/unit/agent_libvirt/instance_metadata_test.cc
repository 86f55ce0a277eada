#include "agent/hypervisor/libvirt/instance_metadata.h"

#include <sstream>

#include <catch2/catch.hpp>

namespace gureum::agent {
namespace {

InstanceMetadata Sample() {
  InstanceMetadata metadata;
  metadata.instance_id = "i-0abc";
  metadata.owner = "/var/lib/gureum/agent";
  metadata.console_log_path = "/var/lib/gureum/instances/i-0abc/console.log";
  metadata.started_ms = 1'700'000'000'123;
  metadata.dhcp_network = "default";
  metadata.dhcp_mac = "52:54:00:aa:bb:cc";
  metadata.dhcp_ip = "192.168.122.10";
  metadata.values = {{"reboot_token", "3"}, {"note", "a <b> & \"c\""}};
  return metadata;
}

std::string InDomain(const InstanceMetadata& metadata) {
  pugi::xml_document doc;
  pugi::xml_node domain = doc.append_child("domain");
  domain.append_child("name").text().set("gureum-i-0abc");
  metadata.AppendTo(domain.append_child("metadata"));
  std::ostringstream out;
  doc.save(out);
  return out.str();
}

TEST_CASE("instance metadata survives a round trip through the unqualified form") {
  // This test verifies that what SetMetadata writes parses back to the same
  // metadata, XML special characters included.
  const InstanceMetadata metadata = Sample();
  const std::string xml = metadata.ToUnqualifiedXml();
  CHECK(xml.find("gureum:") == std::string::npos);
  absl::StatusOr<InstanceMetadata> parsed = InstanceMetadata::Parse(xml);
  REQUIRE(parsed.ok());
  CHECK(*parsed == metadata);
}

TEST_CASE("instance metadata is found in a domain XML by its namespace") {
  // This test verifies that the element written into a domain's <metadata>
  // carries Gureum's namespace and prefix and is read back from the domain.
  const std::string xml = InDomain(Sample());
  CHECK(xml.find("<gureum:instance xmlns:gureum=\"https://gureum.dev/xmlns/instance/1\">") !=
        std::string::npos);
  absl::StatusOr<InstanceMetadata> parsed = InstanceMetadata::FromDomainXml(xml);
  REQUIRE(parsed.ok());
  CHECK(*parsed == Sample());
}

TEST_CASE("metadata under another prefix bound to Gureum's namespace is still Gureum's") {
  // This test verifies that ownership follows the namespace, not the prefix.
  const std::string xml =
      "<domain><metadata><g:instance xmlns:g='https://gureum.dev/xmlns/instance/1'>"
      "<g:id>i-1</g:id><g:meta key='k'>v</g:meta></g:instance></metadata></domain>";
  absl::StatusOr<InstanceMetadata> parsed = InstanceMetadata::FromDomainXml(xml);
  REQUIRE(parsed.ok());
  CHECK(parsed->instance_id == "i-1");
  CHECK(parsed->values == std::map<std::string, std::string>{{"k", "v"}});
}

TEST_CASE("a domain without Gureum's namespace is not Gureum's") {
  // This test verifies that foreign metadata, even shaped like ours, and no
  // metadata at all both read as NotFound.
  CHECK(absl::IsNotFound(
      InstanceMetadata::FromDomainXml(
          "<domain><metadata><x:instance xmlns:x='https://example.com/other'><x:id>i-1</x:id>"
          "</x:instance></metadata></domain>")
          .status()));
  CHECK(absl::IsNotFound(
      InstanceMetadata::FromDomainXml("<domain><name>vm</name></domain>").status()));
}

TEST_CASE("malformed instance metadata is rejected") {
  // This test verifies that a missing id, a bad number or broken XML are
  // InvalidArgument rather than silently empty metadata.
  CHECK(absl::IsInvalidArgument(InstanceMetadata::Parse("<instance/>").status()));
  CHECK(absl::IsInvalidArgument(
      InstanceMetadata::Parse("<instance><id>i</id><started-ms>x</started-ms></instance>")
          .status()));
  CHECK(absl::IsInvalidArgument(InstanceMetadata::Parse("<instance><id>").status()));
  CHECK(absl::IsInvalidArgument(InstanceMetadata::Parse("<other><id>i</id></other>").status()));
}

TEST_CASE("a spec with a MAC and a private IP records a DHCP reservation") {
  // This test verifies that FromSpec records the reservation only when both
  // the MAC and metadata private_ip are present.
  DomainSpec spec;
  spec.instance_id = "i-1";
  spec.console_log_path = "/tmp/c.log";
  spec.mac_address = "52:54:00:00:00:01";
  spec.metadata = {{"private_ip", "192.168.122.5"}};
  InstanceMetadata metadata = InstanceMetadata::FromSpec(spec, "default");
  CHECK(metadata.dhcp_network == "default");
  CHECK(metadata.dhcp_mac == "52:54:00:00:00:01");
  CHECK(metadata.dhcp_ip == "192.168.122.5");
  CHECK(metadata.console_log_path == "/tmp/c.log");
  CHECK(metadata.values == spec.metadata);
  spec.metadata.clear();
  CHECK(InstanceMetadata::FromSpec(spec, "default").dhcp_ip.empty());
}

}  // namespace
}  // namespace gureum::agent
