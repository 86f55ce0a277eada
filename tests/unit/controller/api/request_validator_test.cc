#include "controller/api/request_validator.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/api_error.h"

namespace gureum::controller {
namespace {

v1::RunInstancesRequest ValidRun() {
  v1::RunInstancesRequest r;
  r.set_image_id("ami-0123456789abcdef0");
  r.set_instance_type("g1.small");
  r.set_min_count(1);
  r.set_max_count(1);
  return r;
}

v1::InstanceTypeInfo ValidType() {
  v1::InstanceTypeInfo t;
  t.set_instance_type("g1.huge");
  t.set_vcpus(16);
  t.set_memory_mib(65536);
  t.set_root_disk_gib(512);
  return t;
}

// Checks a refusal: its EC2 code and the field it names.
void CheckRefused(const absl::Status& status, const std::string& code, const std::string& field) {
  INFO("status: " << status.ToString());
  REQUIRE_FALSE(status.ok());
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(ErrorCodeOf(status) == code);
  CHECK(ErrorFieldOf(status) == field);
}

void AddTag(v1::RunInstancesRequest& r, const std::string& key, const std::string& value) {
  auto* tag = r.add_tags();
  tag->set_key(key);
  tag->set_value(value);
}

}  // namespace

TEST_CASE("a valid RunInstances request passes and gets EC2's count defaults") {
  // This test verifies that a request within every limit passes, that no counts means one instance
  // and that a min count alone means exactly that many.
  RequestValidator v;
  auto r = ValidRun();
  CHECK(v.RunInstances(r).ok());

  r.set_min_count(0);
  r.set_max_count(0);
  REQUIRE(v.RunInstances(r).ok());
  CHECK(r.min_count() == 1);
  CHECK(r.max_count() == 1);

  r.set_min_count(3);
  r.set_max_count(0);
  REQUIRE(v.RunInstances(r).ok());
  CHECK(r.max_count() == 3);

  r = ValidRun();
  r.set_min_count(100);
  r.set_max_count(100);
  r.set_user_data(std::string(16 * 1024, 'u'));
  r.set_key_name("laptop key");
  r.set_client_token(std::string(64, 't'));
  for (int i = 0; i < 50; ++i) AddTag(r, "key" + std::to_string(i), "value");
  CHECK(v.RunInstances(r).ok());
}

TEST_CASE("RunInstances counts outside 1..100 or with min above max are refused") {
  // This test verifies that a count of 0, over 100, or a min above the max is refused naming
  // MinCount or MaxCount.
  RequestValidator v;
  auto r = ValidRun();
  r.set_min_count(0);
  r.set_max_count(5);
  CheckRefused(v.RunInstances(r), "InvalidParameterValue", "MinCount");

  r = ValidRun();
  r.set_min_count(-1);
  CheckRefused(v.RunInstances(r), "InvalidParameterValue", "MinCount");

  r = ValidRun();
  r.set_min_count(101);
  r.set_max_count(101);
  CheckRefused(v.RunInstances(r), "InvalidParameterValue", "MinCount");

  r = ValidRun();
  r.set_max_count(101);
  CheckRefused(v.RunInstances(r), "InvalidParameterValue", "MaxCount");

  r = ValidRun();
  r.set_min_count(5);
  r.set_max_count(3);
  auto status = v.RunInstances(r);
  CheckRefused(status, "InvalidParameterValue", "MaxCount");
  CHECK_THAT(std::string(status.message()), Catch::Contains("got 3"));
}

TEST_CASE("RunInstances user data over 16 KiB is refused") {
  // This test verifies that 16 KiB of user data passes and one byte more is refused naming
  // UserData.
  RequestValidator v;
  auto r = ValidRun();
  r.set_user_data(std::string(16 * 1024 + 1, 'u'));
  auto status = v.RunInstances(r);
  CheckRefused(status, "InvalidParameterValue", "UserData");
  CHECK_THAT(std::string(status.message()), Catch::Contains("16385"));
}

TEST_CASE("RunInstances without or with a malformed image id is refused") {
  // This test verifies that a missing image id is MissingParameter and a malformed one
  // InvalidAMIID.Malformed, both on ImageId.
  RequestValidator v;
  auto r = ValidRun();
  r.clear_image_id();
  CheckRefused(v.RunInstances(r), "MissingParameter", "ImageId");
  for (const char* bad : {"ami-xyz", "ami-0123456789ABCDEF0", "i-0123456789abcdef0", "ami-123"}) {
    INFO(bad);
    r.set_image_id(bad);
    CheckRefused(v.RunInstances(r), "InvalidAMIID.Malformed", "ImageId");
  }
  r.set_image_id("ami-0123abcd");
  CHECK(v.RunInstances(r).ok());
}

TEST_CASE("RunInstances without an instance type is refused") {
  // This test verifies that a missing instance type is MissingParameter on InstanceType (an unknown
  // type name is the launcher's InvalidParameterValue, not a format rule).
  RequestValidator v;
  auto r = ValidRun();
  r.clear_instance_type();
  CheckRefused(v.RunInstances(r), "MissingParameter", "InstanceType");
}

TEST_CASE("RunInstances tags are limited in number, unique by key and not reserved") {
  // This test verifies that tags are refused on Tags when there are more than 50, a key repeats, a
  // key or value is too long or unprintable, or a key uses the reserved gureum: prefix.
  RequestValidator v;
  auto r = ValidRun();
  for (int i = 0; i < 51; ++i) AddTag(r, "key" + std::to_string(i), "v");
  auto too_many = v.RunInstances(r);
  CheckRefused(too_many, "InvalidParameterValue", "Tags");
  CHECK_THAT(std::string(too_many.message()), Catch::Contains("got 51"));

  r = ValidRun();
  AddTag(r, "Name", "a");
  AddTag(r, "env", "b");
  AddTag(r, "Name", "c");
  auto duplicate = v.RunInstances(r);
  CheckRefused(duplicate, "InvalidParameterValue", "Tags");
  CHECK_THAT(std::string(duplicate.message()), Catch::Contains("Duplicate tag key 'Name'"));

  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"", "v"},
                                                        {std::string(129, 'k'), "v"},
                                                        {"bad\nkey", "v"},
                                                        {"gureum:owner", "v"},
                                                        {"k", std::string(257, 'v')},
                                                        {"k", "tab\tvalue"}}) {
    INFO("key '" << key << "'");
    r = ValidRun();
    AddTag(r, key, value);
    CheckRefused(v.RunInstances(r), "InvalidParameterValue", "Tags");
  }
  r = ValidRun();
  AddTag(r, std::string(128, 'k'), std::string(256, 'v'));
  AddTag(r, "empty", "");
  CHECK(v.RunInstances(r).ok());
}

TEST_CASE("client tokens longer than 64 characters or with spaces are refused") {
  // This test verifies that a client token longer than 64 characters or with spaces or non-ASCII is
  // refused naming ClientToken.
  RequestValidator v;
  auto r = ValidRun();
  r.set_client_token(std::string(65, 't'));
  CheckRefused(v.RunInstances(r), "InvalidParameterValue", "ClientToken");
  CheckRefused(v.ClientToken("has space"), "InvalidParameterValue", "ClientToken");
  CheckRefused(v.ClientToken("caf\xc3\xa9"), "InvalidParameterValue", "ClientToken");
  CHECK(v.ClientToken("").ok());
  CHECK(v.ClientToken("abc-123_XYZ!").ok());
}

TEST_CASE("key names must be 1 to 255 printable ASCII characters") {
  // This test verifies that a key name must be 1 to 255 printable ASCII characters, through
  // RunInstances and directly.
  RequestValidator v;
  auto r = ValidRun();
  r.set_key_name(std::string(256, 'k'));
  CheckRefused(v.RunInstances(r), "InvalidParameterValue", "KeyName");
  CheckRefused(v.KeyName("", "KeyName"), "InvalidParameterValue", "KeyName");
  CheckRefused(v.KeyName("new\nline", "KeyName"), "InvalidParameterValue", "KeyName");
  CheckRefused(v.KeyName("caf\xc3\xa9", "KeyName"), "InvalidParameterValue", "KeyName");
  CHECK(v.KeyName(std::string(255, 'k'), "KeyName").ok());
}

TEST_CASE("malformed instance ids are refused in every request that takes them") {
  // This test verifies that malformed instance ids are InvalidInstanceID.Malformed, an empty list
  // MissingParameter and more than 1000 ids InvalidParameterValue, each naming InstanceIds.
  RequestValidator v;
  google::protobuf::RepeatedPtrField<std::string> ids;
  CheckRefused(v.InstanceIds(ids), "MissingParameter", "InstanceIds");
  *ids.Add() = "i-0123456789abcdef0";
  CHECK(v.InstanceIds(ids).ok());
  *ids.Add() = "i-XYZ";
  CheckRefused(v.InstanceIds(ids), "InvalidInstanceID.Malformed", "InstanceIds");

  google::protobuf::RepeatedPtrField<std::string> many;
  for (int i = 0; i < 1001; ++i) *many.Add() = "i-0123456789abcdef0";
  CheckRefused(v.InstanceIds(many), "InvalidParameterValue", "InstanceIds");

  v1::DescribeInstancesRequest d;
  d.add_instance_ids("ami-0123456789abcdef0");
  CheckRefused(v.DescribeInstances(d), "InvalidInstanceID.Malformed", "InstanceIds");
  CheckRefused(v.InstanceId("i-0123", "InstanceId"), "InvalidInstanceID.Malformed", "InstanceId");
}

TEST_CASE("DescribeInstances refuses unknown filters, empty filters and bad page sizes") {
  // This test verifies that only the documented filter names (and tag:<key>) with 1 to 200 values
  // are accepted, that MaxResults stays in 1..1000 and that it cannot be combined with InstanceIds.
  RequestValidator v;
  auto with_filter = [](const std::string& name, int values) {
    v1::DescribeInstancesRequest d;
    auto* f = d.add_filters();
    f->set_name(name);
    for (int i = 0; i < values; ++i) f->add_values("v" + std::to_string(i));
    return d;
  };
  for (const char* name : {"instance-id", "instance-state-name", "instance-type", "image-id",
                           "key-name", "host-name", "host-id", "private-ip-address",
                           "reservation-id", "availability-zone", "tag-key", "tag:Name"}) {
    INFO(name);
    CHECK(v.DescribeInstances(with_filter(name, 1)).ok());
  }
  for (const char* name : {"state", "tag:", "Instance-Type", "", "instance-state-code"}) {
    INFO("filter '" << name << "'");
    auto status = v.DescribeInstances(with_filter(name, 1));
    CheckRefused(status, "InvalidFilter", "Filters");
  }
  CheckRefused(v.DescribeInstances(with_filter("tag-key", 0)), "InvalidFilter", "Filters");
  CheckRefused(v.DescribeInstances(with_filter("tag-key", 201)), "InvalidFilter", "Filters");
  CHECK(v.DescribeInstances(with_filter("tag-key", 200)).ok());

  v1::DescribeInstancesRequest paged;
  for (int bad : {-1, 1001}) {
    paged.set_max_results(bad);
    CheckRefused(v.DescribeInstances(paged), "InvalidParameterValue", "MaxResults");
  }
  paged.set_max_results(1000);
  CHECK(v.DescribeInstances(paged).ok());
  paged.add_instance_ids("i-0123456789abcdef0");
  CheckRefused(v.DescribeInstances(paged), "InvalidParameterCombination", "MaxResults");
}

TEST_CASE("DescribeImages refuses malformed image ids and unknown filters") {
  // This test verifies that DescribeImages refuses malformed image ids and filters other than name,
  // state, disk-format and image-id.
  RequestValidator v;
  v1::DescribeImagesRequest d;
  d.add_image_ids("ami-nope");
  CheckRefused(v.DescribeImages(d), "InvalidAMIID.Malformed", "ImageIds");

  v1::DescribeImagesRequest f;
  f.add_filters()->set_name("owner");
  CheckRefused(v.DescribeImages(f), "InvalidFilter", "Filters");
  v1::DescribeImagesRequest ok;
  for (const char* name : {"name", "state", "disk-format", "image-id"})
    ok.add_filters()->set_name(name);
  CHECK(v.DescribeImages(ok).ok());
}

TEST_CASE("ImportImage needs a sensible name and absolute paths") {
  // This test verifies that ImportImage refuses a bad name, a long description, relative paths, a
  // ramdisk or kernel args without a kernel, and a long client token, each naming its field.
  RequestValidator v;
  v1::ImportImageRequest base;
  base.set_name("debian-12 (tiny) [v1]");
  base.set_source_path("/var/images/disk.qcow2");
  CHECK(v.ImportImage(base).ok());

  auto r = base;
  r.set_name("ab");
  CheckRefused(v.ImportImage(r), "InvalidParameterValue", "Name");
  r.set_name("bad;name");
  CheckRefused(v.ImportImage(r), "InvalidParameterValue", "Name");
  r = base;
  r.set_description(std::string(256, 'd'));
  CheckRefused(v.ImportImage(r), "InvalidParameterValue", "Description");
  r = base;
  r.set_source_path("relative/disk.qcow2");
  CheckRefused(v.ImportImage(r), "InvalidParameterValue", "SourcePath");
  r = base;
  r.set_kernel_path("vmlinuz");
  CheckRefused(v.ImportImage(r), "InvalidParameterValue", "KernelPath");
  r = base;
  r.set_ramdisk_path("/boot/initrd");
  CheckRefused(v.ImportImage(r), "InvalidParameterCombination", "RamdiskPath");
  r = base;
  r.set_kernel_args("console=ttyS0");
  CheckRefused(v.ImportImage(r), "InvalidParameterCombination", "KernelArgs");
  r = base;
  r.set_kernel_path("/boot/vmlinuz");
  r.set_kernel_args("console=ttyS0\n");
  CheckRefused(v.ImportImage(r), "InvalidParameterValue", "KernelArgs");
  r = base;
  r.set_client_token(std::string(65, 't'));
  CheckRefused(v.ImportImage(r), "InvalidParameterValue", "ClientToken");
}

TEST_CASE("instance type names must look like family.size and sizes stay in range") {
  // This test verifies that an instance type name must look like family.size and that vCPUs, memory
  // and disk stay in their ranges, each refusal naming its field.
  RequestValidator v;
  CHECK(v.InstanceType(ValidType()).ok());
  for (const std::string& bad :
       std::vector<std::string>{"G1.huge", "g1", "g1.", ".huge", "1g.huge", "g1.hu-ge", "g1.huge.x",
                                "g1 .huge", "g" + std::string(60, '1') + ".huge"}) {
    INFO("name '" << bad << "'");
    auto t = ValidType();
    t.set_instance_type(bad);
    CheckRefused(v.InstanceType(t), "InvalidParameterValue", "InstanceType");
  }
  auto t = ValidType();
  t.set_vcpus(0);
  CheckRefused(v.InstanceType(t), "InvalidParameterValue", "VCpus");
  t = ValidType();
  t.set_vcpus(257);
  CheckRefused(v.InstanceType(t), "InvalidParameterValue", "VCpus");
  t = ValidType();
  t.set_memory_mib(63);
  CheckRefused(v.InstanceType(t), "InvalidParameterValue", "MemoryMib");
  t = ValidType();
  t.set_root_disk_gib(0);
  CheckRefused(v.InstanceType(t), "InvalidParameterValue", "RootDiskGib");
  t = ValidType();
  t.set_root_disk_gib(65537);
  CheckRefused(v.InstanceType(t), "InvalidParameterValue", "RootDiskGib");
}

TEST_CASE("custom limits replace the defaults") {
  // This test verifies that ApiLimits drive the rules rather than constants.
  ApiLimits limits;
  limits.max_instances_per_request = 2;
  limits.max_tags = 1;
  RequestValidator v(limits);
  auto r = ValidRun();
  r.set_max_count(3);
  CheckRefused(v.RunInstances(r), "InvalidParameterValue", "MaxCount");
  r = ValidRun();
  AddTag(r, "a", "1");
  AddTag(r, "b", "2");
  CheckRefused(v.RunInstances(r), "InvalidParameterValue", "Tags");
  CHECK(v.limits().max_tags == 1);
}

}  // namespace gureum::controller

namespace gureum::controller {

TEST_CASE("instance types may require kvm, qemu or fake hosts and nothing else") {
  // This test verifies the Hypervisor field: empty and the three virt types pass, others fail.
  RequestValidator v;
  for (const std::string& ok : std::vector<std::string>{"", "kvm", "qemu", "fake"}) {
    auto t = ValidType();
    t.set_hypervisor(ok);
    CHECK(v.InstanceType(t).ok());
  }
  auto t = ValidType();
  t.set_hypervisor("xen");
  CheckRefused(v.InstanceType(t), "InvalidParameterValue", "Hypervisor");
}

TEST_CASE("placement groups need a name and the spread or cluster strategy") {
  // This test verifies CreatePlacementGroup and DeletePlacementGroup validation, naming fields.
  RequestValidator v;
  v1::CreatePlacementGroupRequest create;
  create.set_group_name("web");
  create.set_strategy("spread");
  CHECK(v.CreatePlacementGroup(create).ok());
  create.set_strategy("cluster");
  CHECK(v.CreatePlacementGroup(create).ok());
  create.set_strategy("partition");
  CheckRefused(v.CreatePlacementGroup(create), "InvalidParameterValue", "Strategy");
  create.set_strategy("");
  CheckRefused(v.CreatePlacementGroup(create), "InvalidParameterValue", "Strategy");
  create.set_strategy("spread");
  create.set_group_name(std::string(256, 'x'));
  CheckRefused(v.CreatePlacementGroup(create), "InvalidParameterValue", "GroupName");
  create.set_group_name("web");
  for (int i = 0; i < 51; ++i) {
    auto* tag = create.add_tags();
    tag->set_key("k" + std::to_string(i));
  }
  CheckRefused(v.CreatePlacementGroup(create), "InvalidParameterValue", "Tags");

  v1::DeletePlacementGroupRequest del;
  CheckRefused(v.DeletePlacementGroup(del), "InvalidParameterCombination", "GroupName");
  del.set_group_id("pg-xyz");
  CheckRefused(v.DeletePlacementGroup(del), "InvalidParameterValue", "GroupId");
  del.set_group_id("pg-0123456789abcdef0");
  CHECK(v.DeletePlacementGroup(del).ok());
  del.set_group_name("web");
  CheckRefused(v.DeletePlacementGroup(del), "InvalidParameterCombination", "GroupName");
}

TEST_CASE("quotas take a known resource and a limit of -1 or more") {
  // This test verifies SetQuota validation.
  RequestValidator v;
  v1::SetQuotaRequest q;
  q.set_resource("vcpus");
  q.set_limit(-1);
  CHECK(v.SetQuota(q).ok());
  q.set_limit(-2);
  CheckRefused(v.SetQuota(q), "InvalidParameterValue", "Limit");
  q.set_limit(10);
  q.set_resource("cores");
  CheckRefused(v.SetQuota(q), "InvalidParameterValue", "Resource");
}

TEST_CASE("disabling a host needs the host and at most 255 characters of reason") {
  // This test verifies DisableHost validation and RunInstances' placement fields.
  RequestValidator v;
  v1::DisableHostRequest d;
  CheckRefused(v.DisableHost(d), "InvalidParameterValue", "HostId");
  d.set_host_id("host-a");
  d.set_reason(std::string(256, 'r'));
  CheckRefused(v.DisableHost(d), "InvalidParameterValue", "Reason");
  d.set_reason("maintenance");
  CHECK(v.DisableHost(d).ok());

  auto run = ValidRun();
  run.mutable_placement()->set_group_name(std::string(300, 'g'));
  CheckRefused(v.RunInstances(run), "InvalidParameterValue", "Placement.GroupName");
  run = ValidRun();
  run.mutable_placement()->set_availability_zone("bad\nzone");
  CheckRefused(v.RunInstances(run), "InvalidParameterValue", "Placement.AvailabilityZone");
}

}  // namespace gureum::controller
