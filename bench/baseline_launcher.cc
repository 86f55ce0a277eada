#include "bench/baseline_launcher.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include <libvirt/virterror.h>
#include <pugixml.hpp>

#include "agent/images/overlay_disk.h"

namespace gureum::bench {
namespace {

constexpr int64_t kGiB = int64_t{1} << 30;

std::string LastLibvirtError() {
  const virError* error = virGetLastError();
  return error != nullptr && error->message != nullptr ? error->message : "unknown libvirt error";
}

pugi::xml_node DiskWithDevice(pugi::xml_node devices, const char* device) {
  for (pugi::xml_node disk : devices.children("disk")) {
    if (std::string(disk.attribute("device").value()) == device) return disk;
  }
  return {};
}

// A locally administered MAC derived from the IPv4 address.
std::string MacFor(const std::string& ip) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  std::sscanf(ip.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d);
  char mac[32];
  std::snprintf(mac, sizeof(mac), "52:54:00:%02x:%02x:%02x", b & 0xff, c & 0xff, d & 0xff);
  return mac;
}

absl::Status UpdateReservation(virConnectPtr conn, const std::string& network_name,
                               unsigned int command, const std::string& mac,
                               const std::string& ip) {
  virNetworkPtr network = virNetworkLookupByName(conn, network_name.c_str());
  if (network == nullptr) return absl::NotFoundError("no network " + network_name);
  const std::string host = "<host mac='" + mac + "' ip='" + ip + "'/>";
  const int rc = virNetworkUpdate(network, command, VIR_NETWORK_SECTION_IP_DHCP_HOST, -1,
                                  host.c_str(), VIR_NETWORK_UPDATE_AFFECT_LIVE);
  virNetworkFree(network);
  if (rc != 0) return absl::InternalError("DHCP reservation " + host + ": " + LastLibvirtError());
  return absl::OkStatus();
}

std::string Serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default | pugi::format_no_declaration);
  return out.str();
}

}  // namespace

absl::StatusOr<BaselineLauncher> BaselineLauncher::FromTemplate(virConnectPtr conn,
                                                                const std::string& template_xml,
                                                                const std::string& dir) {
  pugi::xml_document doc;
  if (!doc.load_string(template_xml.c_str())) {
    return absl::InvalidArgumentError("template domain XML does not parse");
  }
  pugi::xml_node domain = doc.child("domain");
  pugi::xml_node devices = domain.child("devices");
  pugi::xml_node disk = DiskWithDevice(devices, "disk");
  if (!disk) return absl::InvalidArgumentError("template domain has no disk");
  const std::string overlay = disk.child("source").attribute("file").value();

  BaselineLauncher launcher;
  launcher.conn_ = conn;
  launcher.dir_ = dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError("cannot create " + dir + ": " + ec.message());
  std::filesystem::permissions(dir, std::filesystem::perms(0755), ec);

  absl::StatusOr<agent::DiskImageInfo> info = agent::OverlayDisk().Inspect(overlay, "qcow2");
  if (!info.ok()) return info.status();
  if (info->backing_file.empty()) {
    return absl::InvalidArgumentError(overlay + " is not an overlay of a cached image");
  }
  launcher.base_image_ = info->backing_file;
  launcher.base_format_ = info->backing_format.empty() ? "raw" : info->backing_format;
  launcher.disk_gib_ = (info->virtual_size + kGiB - 1) / kGiB;

  // The instance's seed ISO is removed with the instance: keep a copy.
  if (pugi::xml_node cdrom = DiskWithDevice(devices, "cdrom")) {
    pugi::xml_attribute source = cdrom.child("source").attribute("file");
    const std::string seed_copy = dir + "/seed.iso";
    std::filesystem::copy_file(source.value(), seed_copy,
                               std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) return absl::InternalError("cannot copy the seed ISO: " + ec.message());
    source.set_value(seed_copy.c_str());
  }
  domain.remove_child("uuid");
  domain.remove_child("metadata");
  for (pugi::xml_node nic : devices.children("interface")) {
    nic.remove_child("mac");
    launcher.network_ = nic.child("source").attribute("network").value();
  }
  launcher.template_xml_ = Serialize(doc);
  return launcher;
}

absl::StatusOr<BaselineDomain> BaselineLauncher::Prepare(const std::string& name,
                                                         const std::string& ip) const {
  BaselineDomain out;
  out.name = name;
  out.ip = ip;
  out.mac = MacFor(ip);
  out.overlay = dir_ + "/" + name + ".qcow2";
  out.console_log = dir_ + "/" + name + ".console.log";
  std::error_code ec;
  std::filesystem::remove(out.overlay, ec);
  std::filesystem::remove(out.console_log, ec);
  if (absl::Status s =
          agent::OverlayDisk().Create(base_image_, base_format_, out.overlay, disk_gib_);
      !s.ok()) {
    return s;
  }
  pugi::xml_document doc;
  doc.load_string(template_xml_.c_str());
  pugi::xml_node domain = doc.child("domain");
  domain.child("name").text().set(name.c_str());
  pugi::xml_node devices = domain.child("devices");
  DiskWithDevice(devices, "disk").child("source").attribute("file").set_value(out.overlay.c_str());
  for (pugi::xml_node serial : devices.children("serial")) {
    if (pugi::xml_node log = serial.child("log")) {
      log.attribute("file").set_value(out.console_log.c_str());
    }
  }
  for (pugi::xml_node nic : devices.children("interface")) {
    nic.prepend_child("mac").append_attribute("address").set_value(out.mac.c_str());
  }
  out.xml = Serialize(doc);
  if (!network_.empty()) {
    // A reservation left by an interrupted run would make ADD fail.
    UpdateReservation(conn_, network_, VIR_NETWORK_UPDATE_COMMAND_DELETE, out.mac, out.ip)
        .IgnoreError();
    if (absl::Status s = UpdateReservation(conn_, network_, VIR_NETWORK_UPDATE_COMMAND_ADD_LAST,
                                           out.mac, out.ip);
        !s.ok()) {
      return s;
    }
  }
  return out;
}

absl::Status BaselineLauncher::Create(const BaselineDomain& domain) const {
  virDomainPtr created = virDomainCreateXML(conn_, domain.xml.c_str(), 0);
  if (created == nullptr) {
    return absl::InternalError("virDomainCreateXML " + domain.name + ": " + LastLibvirtError());
  }
  virDomainFree(created);
  return absl::OkStatus();
}

void BaselineLauncher::Remove(const BaselineDomain& domain) const {
  if (virDomainPtr d = virDomainLookupByName(conn_, domain.name.c_str())) {
    virDomainDestroy(d);
    virDomainFree(d);
  }
  std::error_code ec;
  std::filesystem::remove(domain.overlay, ec);
  std::filesystem::remove(domain.console_log, ec);
  if (!network_.empty()) {
    UpdateReservation(conn_, network_, VIR_NETWORK_UPDATE_COMMAND_DELETE, domain.mac, domain.ip)
        .IgnoreError();
  }
}

}  // namespace gureum::bench
