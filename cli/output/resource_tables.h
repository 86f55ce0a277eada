// The columns shown for each resource in -o table and -o text (both use the same
// columns; text just drops the header). Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include <google/protobuf/repeated_ptr_field.h>

#include "cli/output/table.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::cli {

template <typename T>
using Repeated = google::protobuf::RepeatedPtrField<T>;

// One resource as a list, for verbs that return one (create-*, disable-host).
template <typename T>
Repeated<T> SingleItem(const T& item) {
  Repeated<T> items;
  *items.Add() = item;
  return items;
}

// ID, STATE, TYPE, IMAGE, HOST, PRIVATE-IP, LAUNCHED, NAME (the Name tag).
Table InstancesTable(const Repeated<v1::Instance>& instances);
// ID, PREVIOUS, CURRENT.
Table StateChangesTable(const Repeated<v1::InstanceStateChange>& changes);
// TYPE, VCPUS, MEMORY-MIB, ROOT-DISK-GIB, HYPERVISOR ("any" when unrestricted).
Table InstanceTypesTable(const Repeated<v1::InstanceTypeInfo>& types);
// ID, NAME, STATE, FORMAT, BOOT, SIZE, CREATED.
Table ImagesTable(const Repeated<v1::Image>& images);
// NAME, ID, TYPE, FINGERPRINT, CREATED.
Table KeyPairsTable(const Repeated<v1::KeyPairInfo>& key_pairs);
// NAME, ID, FINGERPRINT: a created key pair without its private key.
Table CreatedKeyPairTable(const v1::CreateKeyPairResponse& key_pair);
// ID, NAME, STATE, ENABLED, HYPERVISOR, ZONE, VCPUS, MEMORY-MIB, DISK-GIB, INSTANCES,
// BUILDING, HEARTBEAT, DISABLED-REASON. Resources read "allocated/capacity", the
// capacity being what the scheduler may place (physical size times overcommit).
Table HostsTable(const Repeated<v1::Host>& hosts);
// ZONE, STATE, HOSTS (available/total), VCPUS, MEMORY-MIB, DISK-GIB
// ("allocated/capacity" over available hosts), INSTANCES.
Table AvailabilityZonesTable(const Repeated<v1::AvailabilityZone>& zones);
// NAME, ID, STRATEGY, STATE, INSTANCES, CREATED.
Table PlacementGroupsTable(const Repeated<v1::PlacementGroup>& groups);
// PROJECT, RESOURCE, USAGE, LIMIT ("unlimited" for -1).
Table QuotasTable(const Repeated<v1::Quota>& quotas);

// Events stream, so their rows are formatted one at a time with fixed widths.
std::vector<std::string> EventHeaders();
std::vector<size_t> EventColumnWidths();
std::vector<Cell> EventRow(const v1::Event& event);

// Colour of an instance state name on a terminal.
CellStyle InstanceStateStyle(std::string_view state);
// The value of the tag `key`, "" when absent.
std::string TagValue(const Repeated<v1::Tag>& tags, std::string_view key);
// Bytes for people: "512 B", "1.5 KiB", "2.0 GiB".
std::string FormatBytes(int64_t bytes);

}  // namespace gureum::cli
