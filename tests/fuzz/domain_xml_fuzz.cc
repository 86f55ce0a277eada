// Fuzzes the libvirt driver's XML parsers and builder on the agent: the
// Gureum <metadata> element read back from every domain after an agent
// restart (InstanceMetadata::Parse / FromDomainXml; a domain's XML can be
// edited by anyone with access to libvirtd), libvirt network XML
// (NetworkConfig::Parse), and the domain XML built from a DomainSpec that
// carries controller-supplied values (DomainXml::Validate / Build).
//
// Input: byte 0 picks the mode, the rest is its data.
//   'm'  metadata element; an accepted one is written back
//        (ToUnqualifiedXml) and must parse to the same metadata
//   'd'  a full domain XML; Gureum's element found in it must parse likewise
//   'n'  a network XML; an accepted prefix is 0..32
//   's'  a DomainSpec drawn from the bytes; a spec Validate accepts must
//        Build, and the metadata read back from the built XML is the metadata
//        it was built with

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/hypervisor/libvirt/domain_xml.h"
#include "agent/hypervisor/libvirt/instance_metadata.h"
#include "agent/hypervisor/libvirt/network_config.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using gureum::agent::DomainSpec;
using gureum::agent::DomainXml;
using gureum::agent::DomainXmlOptions;
using gureum::agent::InstanceMetadata;
using gureum::agent::NetworkConfig;

// Metadata written back as XML (the driver does so on every SetMetadata)
// parses to what was written, apart from the fields the writer leaves out
// when they are empty or zero.
void CheckRewrite(const InstanceMetadata& metadata) {
  absl::StatusOr<InstanceMetadata> again = InstanceMetadata::Parse(metadata.ToUnqualifiedXml());
  FUZZ_CHECK(again.ok(), "written metadata parses");
  InstanceMetadata expected = metadata;
  if (expected.dhcp_ip.empty()) {
    expected.dhcp_network.clear();
    expected.dhcp_mac.clear();
  }
  FUZZ_CHECK(*again == expected, "metadata survives being written back");
}

void Metadata(const std::string& xml) {
  absl::StatusOr<InstanceMetadata> metadata = InstanceMetadata::Parse(xml);
  if (!metadata.ok()) {
    FUZZ_CHECK(metadata.status().code() == absl::StatusCode::kInvalidArgument, "InvalidArgument");
    return;
  }
  FUZZ_CHECK(!metadata->instance_id.empty(), "accepted metadata has an instance id");
  CheckRewrite(*metadata);
}

void Domain(const std::string& xml) {
  absl::StatusOr<InstanceMetadata> metadata = InstanceMetadata::FromDomainXml(xml);
  if (!metadata.ok()) {
    FUZZ_CHECK(metadata.status().code() == absl::StatusCode::kInvalidArgument ||
                   metadata.status().code() == absl::StatusCode::kNotFound,
               "InvalidArgument or NotFound");
    return;
  }
  FUZZ_CHECK(!metadata->instance_id.empty(), "accepted metadata has an instance id");
  CheckRewrite(*metadata);
}

void Network(const std::string& xml) {
  absl::StatusOr<NetworkConfig> config = NetworkConfig::Parse(xml);
  if (!config.ok()) return;
  FUZZ_CHECK(config->prefix >= 0 && config->prefix <= 32, "prefix range");
  if (!config->hosts.empty()) {
    (void)config->FindByMac(config->hosts.front().mac);
    (void)config->InSubnet(config->hosts.front().ip);
  }
}

// A string without NUL or CR: what reaches the driver goes through libvirt's C
// API as C strings, which cannot carry NUL (pugixml stops at one too), and an
// XML parser turns a literal CR into LF (libvirt's libxml2 as much as
// pugixml), so neither can survive a trip through a domain's XML.
std::string Text(FuzzedDataProvider& in, size_t max_length) {
  std::string text = in.ConsumeRandomLengthString(max_length);
  std::erase(text, '\0');
  std::erase(text, '\r');
  return text;
}

std::string AbsolutePath(FuzzedDataProvider& in) {
  std::string path = Text(in, 64);
  return path.empty() ? path : "/" + path;
}

void Spec(FuzzedDataProvider& in) {
  DomainSpec spec;
  spec.instance_id = Text(in, 80);
  // Ranges a little wider than Validate's, so most specs get past them.
  spec.vcpus = in.ConsumeIntegralInRange(-1, 300);
  spec.memory_mib = in.ConsumeIntegralInRange<int64_t>(0, int64_t{1} << 23);
  spec.disk_path = AbsolutePath(in);
  spec.disk_format = in.PickValueInArray({"qcow2", "raw", "vmdk", ""});
  spec.kernel_path = AbsolutePath(in);
  spec.initrd_path = AbsolutePath(in);
  spec.kernel_args = Text(in, 128);
  spec.seed_iso_path = AbsolutePath(in);
  spec.mac_address = Text(in, 20);
  spec.network = Text(in, 20);
  spec.console_log_path = AbsolutePath(in);
  const int entries = in.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < entries; ++i) {
    std::string key = Text(in, 16);
    spec.metadata[key] = Text(in, 64);
  }
  if (!DomainXml::Validate(spec).ok()) return;

  DomainXmlOptions options;
  options.virt_type = in.ConsumeBool() ? "kvm" : "qemu";
  const InstanceMetadata metadata =
      InstanceMetadata::FromSpec(spec, DomainXml::NetworkFor(spec, options));
  absl::StatusOr<std::string> xml = DomainXml::Build(spec, metadata, options);
  FUZZ_CHECK(xml.ok(), "a valid spec builds");
  absl::StatusOr<InstanceMetadata> back = InstanceMetadata::FromDomainXml(*xml);
  FUZZ_CHECK(back.ok(), "the built domain carries Gureum's metadata");
  FUZZ_CHECK(back->instance_id == spec.instance_id, "the instance id reads back");
  FUZZ_CHECK(back->dhcp_ip == metadata.dhcp_ip && back->dhcp_mac == metadata.dhcp_mac,
             "the DHCP reservation reads back");
  // pugixml drops text that is only whitespace (parse_ws_pcdata is off), so
  // such a value reads back empty; the controller never sends one.
  InstanceMetadata expected = metadata;
  for (auto& [key, value] : expected.values) {
    if (value.find_first_not_of(" \t\n") == std::string::npos) value.clear();
  }
  FUZZ_CHECK(*back == expected, "the metadata reads back as it was built");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0]) {
    case 'm':
      Metadata(rest);
      break;
    case 'd':
      Domain(rest);
      break;
    case 'n':
      Network(rest);
      break;
    case 's': {
      FuzzedDataProvider in(data + 1, size - 1);
      Spec(in);
      break;
    }
    default:
      break;
  }
  return 0;
}
