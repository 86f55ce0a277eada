// Maps stored rows to the public API's messages. Pure functions.
#pragma once

#include "controller/scheduler/overcommit_ratios.h"
#include "controller/store/records.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

void SetTimestamp(google::protobuf::Timestamp* ts, int64_t millis);
v1::InstanceState ApiState(const std::string& state_name);
// Everything of the instance but its tags, into `out` (which may live on an arena).
void ToApiInstance(const ListedInstanceView& view, v1::Instance* out);
v1::Image ToApiImage(const ImageRecord& record);
v1::KeyPairInfo ToApiKeyPair(const KeyPairRecord& record);
v1::InstanceTypeInfo ToApiInstanceType(const InstanceTypeRecord& record);
v1::Host ToApiHost(const HostRecord& record, const HostAllocation& allocation,
                   const OvercommitRatios& ratios, int cached_image_count);
v1::PlacementGroup ToApiPlacementGroup(const PlacementGroupRecord& record, int instance_count);
v1::Event ToApiEvent(const EventRecord& record);

}  // namespace gureum::controller
