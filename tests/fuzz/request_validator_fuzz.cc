// Fuzzes RequestValidator, the first code to see a public API request, with
// requests decoded from the fuzzer's bytes both as protobuf wire format (what
// gRPC hands the controller) and as proto3 JSON (what a REST front end turns
// into the same messages). Each request goes through the validator calls
// ComputeService makes for it, then on to the parsers it feeds (the
// DescribeInstances next token, ImportKeyPair's public key).
//
// Input: byte 0 picks the request ('a' RunInstances, 'b' DescribeInstances,
// ... in the order of the switch below), byte 1 is 'j' for JSON and anything
// else for wire format; the rest is the message. Beyond
// "no crash, no sanitizer report", a request the validator accepts must be
// inside the API's documented bounds (docs/api.md, issue 7 "bounded
// everything"), and a refused one must carry InvalidArgument.

#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "common/id_generator.h"
#include "controller/api/request_validator.h"
#include "controller/core/instance_queries.h"
#include "controller/keys/ssh_key.h"
#include "gureum/v1/compute.pb.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/quiet_protobuf.h"

namespace {

using gureum::IsWellFormedId;
using gureum::controller::ApiLimits;
using gureum::controller::InstanceQueries;
using gureum::controller::RequestValidator;
namespace v1 = gureum::v1;

template <typename Message>
bool Decode(bool json, std::string_view bytes, Message* message) {
  if (json) {
    return google::protobuf::util::JsonStringToMessage(std::string(bytes), message).ok();
  }
  return message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

bool Printable(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

void CheckRefusal(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
             "the validator refuses with InvalidArgument only");
  FUZZ_CHECK(!status.message().empty(), "a refusal says why");
}

void CheckClientToken(const std::string& token, const ApiLimits& limits) {
  FUZZ_CHECK(token.size() <= limits.max_client_token, "client token length");
  for (unsigned char c : token) FUZZ_CHECK(c >= 0x21 && c <= 0x7e, "client token characters");
}

void CheckTags(const google::protobuf::RepeatedPtrField<v1::Tag>& tags, const ApiLimits& limits) {
  FUZZ_CHECK(tags.size() <= limits.max_tags, "tags per resource");
  std::set<std::string> keys;
  for (const v1::Tag& tag : tags) {
    FUZZ_CHECK(!tag.key().empty() && tag.key().size() <= limits.max_tag_key, "tag key length");
    FUZZ_CHECK(tag.value().size() <= limits.max_tag_value, "tag value length");
    FUZZ_CHECK(Printable(tag.key()) && Printable(tag.value()), "tag characters");
    FUZZ_CHECK(tag.key().rfind("gureum:", 0) != 0, "reserved tag prefix");
    FUZZ_CHECK(keys.insert(tag.key()).second, "unique tag keys");
  }
}

void CheckInstanceIds(const google::protobuf::RepeatedPtrField<std::string>& ids,
                      const ApiLimits& limits) {
  FUZZ_CHECK(!ids.empty() && ids.size() <= limits.max_ids_per_request, "instance id count");
  for (const std::string& id : ids) FUZZ_CHECK(IsWellFormedId("i", id), "instance id form");
}

void RunInstances(const RequestValidator& validator, v1::RunInstancesRequest& r) {
  absl::Status status = validator.RunInstances(r);
  if (!status.ok()) return CheckRefusal(status);
  const ApiLimits& limits = validator.limits();
  FUZZ_CHECK(IsWellFormedId("ami", r.image_id()), "image id form");
  FUZZ_CHECK(!r.instance_type().empty(), "instance type present");
  FUZZ_CHECK(r.min_count() >= 1 && r.min_count() <= r.max_count() &&
                 r.max_count() <= limits.max_instances_per_request,
             "1 <= MinCount <= MaxCount <= max per request");
  FUZZ_CHECK(r.user_data().size() <= limits.max_user_data_bytes, "user data size");
  CheckTags(r.tags(), limits);
  CheckClientToken(r.client_token(), limits);
}

void DescribeInstances(const RequestValidator& validator, const v1::DescribeInstancesRequest& r) {
  absl::Status status = validator.DescribeInstances(r);
  if (!status.ok()) return CheckRefusal(status);
  for (const std::string& id : r.instance_ids()) {
    FUZZ_CHECK(IsWellFormedId("i", id), "instance id form");
  }
  for (const v1::Filter& filter : r.filters()) {
    FUZZ_CHECK(filter.values_size() >= 1 && filter.values_size() <= 200, "filter value count");
  }
  FUZZ_CHECK(r.max_results() == 0 || (r.max_results() >= 1 && r.max_results() <= 1000),
             "MaxResults range");
  // InstanceQueries decodes the token next; a token it accepts must be one it
  // could have issued.
  if (!r.next_token().empty()) {
    absl::StatusOr<int64_t> seq = InstanceQueries::DecodeNextToken(r.next_token());
    if (seq.ok()) {
      FUZZ_CHECK(*seq >= 0, "decoded sequence is not negative");
    } else {
      CheckRefusal(seq.status());
    }
  }
}

void ImportImage(const RequestValidator& validator, const v1::ImportImageRequest& r) {
  absl::Status status = validator.ImportImage(r);
  if (!status.ok()) return CheckRefusal(status);
  FUZZ_CHECK(r.name().size() >= 3 && r.name().size() <= 128, "image name length");
  FUZZ_CHECK(r.description().size() <= 255, "description length");
  FUZZ_CHECK(!r.source_path().empty() && r.source_path()[0] == '/', "absolute source path");
  FUZZ_CHECK(r.kernel_path().empty() || r.kernel_path()[0] == '/', "absolute kernel path");
  FUZZ_CHECK(r.ramdisk_path().empty() || !r.kernel_path().empty(), "ramdisk needs kernel");
  FUZZ_CHECK(r.kernel_args().size() <= 1024 && Printable(r.kernel_args()), "kernel args");
  CheckClientToken(r.client_token(), validator.limits());
}

void InstanceType(const RequestValidator& validator, const v1::InstanceTypeInfo& t) {
  absl::Status status = validator.InstanceType(t);
  if (!status.ok()) return CheckRefusal(status);
  FUZZ_CHECK(!t.instance_type().empty() && t.instance_type().size() <= 64, "type name length");
  FUZZ_CHECK(t.vcpus() >= 1 && t.vcpus() <= 256, "vcpus range");
  FUZZ_CHECK(t.memory_mib() >= 64 && t.memory_mib() <= 4 * 1024 * 1024, "memory range");
  FUZZ_CHECK(t.root_disk_gib() >= 1 && t.root_disk_gib() <= 65536, "root disk range");
}

void ImportKeyPair(const RequestValidator& validator, const v1::ImportKeyPairRequest& r) {
  absl::Status status = validator.KeyName(r.key_name(), "KeyName");
  if (!status.ok()) return CheckRefusal(status);
  FUZZ_CHECK(!r.key_name().empty() && r.key_name().size() <= 255, "key name length");
  absl::StatusOr<gureum::controller::ParsedPublicKey> key =
      gureum::controller::ParsePublicKey(r.public_key_material());
  if (!key.ok()) CheckRefusal(key.status());
}

template <typename Message, typename Check>
void Fuzz(bool json, std::string_view bytes, Check check) {
  Message message;
  if (Decode(json, bytes, &message)) check(message);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gureum::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const int request = static_cast<uint8_t>(data[0] - 'a');
  const bool json = data[1] == 'j';
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
  static const RequestValidator validator;
  const ApiLimits& limits = validator.limits();
  auto ids = [&](const auto& r) {
    absl::Status status = validator.InstanceIds(r.instance_ids());
    if (!status.ok()) return CheckRefusal(status);
    CheckInstanceIds(r.instance_ids(), limits);
  };
  auto refused_or_ok = [](const absl::Status& status) {
    if (!status.ok()) CheckRefusal(status);
  };
  switch (request) {
    case 0:
      Fuzz<v1::RunInstancesRequest>(json, bytes, [&](auto& r) { RunInstances(validator, r); });
      break;
    case 1:
      Fuzz<v1::DescribeInstancesRequest>(json, bytes,
                                         [&](const auto& r) { DescribeInstances(validator, r); });
      break;
    case 2:
      Fuzz<v1::StartInstancesRequest>(json, bytes, ids);
      break;
    case 3:
      Fuzz<v1::StopInstancesRequest>(json, bytes, ids);
      break;
    case 4:
      Fuzz<v1::TerminateInstancesRequest>(json, bytes, ids);
      break;
    case 5:
      Fuzz<v1::RebootInstancesRequest>(json, bytes, ids);
      break;
    case 6:
      Fuzz<v1::ImportImageRequest>(json, bytes, [&](const auto& r) { ImportImage(validator, r); });
      break;
    case 7:
      Fuzz<v1::DescribeImagesRequest>(
          json, bytes, [&](const auto& r) { refused_or_ok(validator.DescribeImages(r)); });
      break;
    case 8:
      Fuzz<v1::CreateInstanceTypeRequest>(
          json, bytes, [&](const auto& r) { InstanceType(validator, r.instance_type()); });
      break;
    case 9:
      Fuzz<v1::ImportKeyPairRequest>(json, bytes,
                                     [&](const auto& r) { ImportKeyPair(validator, r); });
      break;
    case 10:
      Fuzz<v1::CreatePlacementGroupRequest>(json, bytes, [&](const auto& r) {
        absl::Status status = validator.CreatePlacementGroup(r);
        if (!status.ok()) return CheckRefusal(status);
        FUZZ_CHECK(r.strategy() == "spread" || r.strategy() == "cluster", "strategy");
        CheckTags(r.tags(), limits);
      });
      break;
    case 11:
      Fuzz<v1::DeletePlacementGroupRequest>(
          json, bytes, [&](const auto& r) { refused_or_ok(validator.DeletePlacementGroup(r)); });
      break;
    case 12:
      Fuzz<v1::SetQuotaRequest>(json, bytes, [&](const auto& r) {
        absl::Status status = validator.SetQuota(r);
        if (!status.ok()) return CheckRefusal(status);
        FUZZ_CHECK(r.limit() >= -1, "quota limit");
      });
      break;
    case 13:
      Fuzz<v1::DisableHostRequest>(json, bytes,
                                   [&](const auto& r) { refused_or_ok(validator.DisableHost(r)); });
      break;
    case 14:
      Fuzz<v1::GetConsoleOutputRequest>(json, bytes, [&](const auto& r) {
        refused_or_ok(validator.InstanceId(r.instance_id(), "InstanceId"));
      });
      break;
    case 15:
      Fuzz<v1::DeregisterImageRequest>(json, bytes, [&](const auto& r) {
        refused_or_ok(validator.ImageId(r.image_id(), "ImageId"));
      });
      break;
    default:
      break;
  }
  return 0;
}
