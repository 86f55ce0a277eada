#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/output/json_output.h"
#include "cli/output/printer.h"
#include "cli/output/resource_tables.h"
#include "cli/output/time_format.h"

namespace gureum::cli {
namespace {

v1::Instance SampleInstance() {
  v1::Instance instance;
  instance.set_instance_id("i-0123456789abcdef0");
  instance.mutable_state()->set_name("running");
  instance.mutable_state()->set_code(16);
  instance.set_instance_type("g1.small");
  instance.set_image_id("ami-0123456789abcdef0");
  instance.set_host_name("host-1");
  instance.set_private_ip_address("10.0.0.5");
  instance.mutable_launch_time()->set_seconds(1'700'000'000);
  instance.set_memory_mib(1024);
  auto* tag = instance.add_tags();
  tag->set_key("Name");
  tag->set_value("web");
  return instance;
}

}  // namespace

TEST_CASE("JSON output uses protobuf's mapping with two-space indentation") {
  // This test verifies lowerCamelCase names, int64 as strings, zero values printed,
  // RFC 3339 times and the indentation.
  v1::DescribeInstancesResponse response;
  *response.add_instances() = SampleInstance();
  std::string json = ToPrettyJson(response);
  CHECK(json.rfind("{\n  \"instances\": [\n    {\n      \"instanceId\"", 0) == 0);
  CHECK(json.back() == '\n');
  auto parsed = nlohmann::json::parse(json);
  const auto& instance = parsed["instances"][0];
  CHECK(instance["instanceId"] == "i-0123456789abcdef0");
  CHECK(instance["memoryMib"] == "1024");
  CHECK(instance["amiLaunchIndex"] == 0);
  CHECK(instance["keyName"] == "");
  CHECK(instance["launchTime"] == "2023-11-14T22:13:20Z");
  CHECK(parsed["nextToken"] == "");
}

TEST_CASE("compact JSON is a single line") {
  // This test verifies the JSON Lines form used for event streams.
  v1::Event event;
  event.set_sequence(7);
  event.set_message("a\nb");
  std::string json = ToCompactJson(event);
  CHECK(json.find('\n') == std::string::npos);
  CHECK(nlohmann::json::parse(json)["sequence"] == "7");
}

TEST_CASE("the instances table shows the chosen columns and the Name tag") {
  // This test verifies the instance columns, the Name tag and the time format.
  google::protobuf::RepeatedPtrField<v1::Instance> instances;
  *instances.Add() = SampleInstance();
  v1::Instance pending;
  pending.set_instance_id("i-1");
  pending.mutable_state()->set_name("pending");
  pending.mutable_placement()->set_host_id("h-7");
  *instances.Add() = pending;
  Table table = InstancesTable(instances);
  CHECK(table.headers() == std::vector<std::string>{"ID", "STATE", "TYPE", "IMAGE", "HOST",
                                                    "PRIVATE-IP", "LAUNCHED", "NAME"});
  std::ostringstream text;
  table.RenderTabSeparated(text);
  CHECK(text.str() ==
        "i-0123456789abcdef0\trunning\tg1.small\tami-0123456789abcdef0\thost-1\t10.0.0.5\t"
        "2023-11-14T22:13:20Z\tweb\n"
        "i-1\tpending\t-\t-\th-7\t-\t-\t-\n");
}

TEST_CASE("host capacity reads allocated over the physical size without a capacity") {
  // This test verifies the host table's capacity cells and hypervisor column for a
  // controller that reports no schedulable capacity (the physical size is shown).
  google::protobuf::RepeatedPtrField<v1::Host> hosts;
  v1::Host* host = hosts.Add();
  host->set_host_id("h-1");
  host->set_name("node-a");
  host->set_state("up");
  host->set_enabled(true);
  host->set_hypervisor_type("libvirt");
  host->set_virt_type("qemu");
  host->set_vcpus(8);
  host->set_allocated_vcpus(3);
  host->set_memory_mib(16384);
  host->set_allocated_memory_mib(4096);
  host->set_disk_gib(100);
  host->set_allocated_disk_gib(20);
  host->set_instance_count(3);
  std::ostringstream text;
  HostsTable(hosts).RenderTabSeparated(text);
  CHECK(text.str() ==
        "h-1\tnode-a\tup\tyes\tlibvirt/qemu\t-\t3/8\t4096/16384\t20/100\t3\t0\t-\t-\n");
}

TEST_CASE("host capacity reads allocated over the schedulable capacity") {
  // This test verifies that overcommitted capacity replaces the physical size, with
  // a decimal only when it is fractional, and the disabled reason column.
  google::protobuf::RepeatedPtrField<v1::Host> hosts;
  v1::Host* host = hosts.Add();
  host->set_host_id("h-1");
  host->set_vcpus(8);
  host->set_vcpu_capacity(12.5);
  host->set_allocated_vcpus(3);
  host->set_memory_mib(16384);
  host->set_memory_capacity_mib(24576);
  host->set_disk_gib(100);
  host->set_disk_capacity_gib(100);
  host->set_building_count(2);
  host->set_disabled_reason("maintenance");
  std::ostringstream text;
  HostsTable(hosts).RenderTabSeparated(text);
  CHECK(text.str() == "h-1\t-\t-\tno\t-\t-\t3/12.5\t0/24576\t0/100\t0\t2\t-\tmaintenance\n");
}

TEST_CASE("instance states get colours that tell running from stopped") {
  // This test verifies the state colour mapping.
  CHECK(InstanceStateStyle("running") == CellStyle::kGood);
  CHECK(InstanceStateStyle("pending") == CellStyle::kWarn);
  CHECK(InstanceStateStyle("shutting-down") == CellStyle::kWarn);
  CHECK(InstanceStateStyle("stopped") == CellStyle::kBad);
  CHECK(InstanceStateStyle("terminated") == CellStyle::kDim);
  CHECK(InstanceStateStyle("something") == CellStyle::kPlain);
}

TEST_CASE("byte counts, timestamps and elapsed times read well") {
  // This test verifies the small formatters used in cells and progress lines.
  CHECK(FormatBytes(512) == "512 B");
  CHECK(FormatBytes(1536) == "1.5 KiB");
  CHECK(FormatBytes(int64_t{2} << 30) == "2.0 GiB");
  google::protobuf::Timestamp unset;
  CHECK(FormatTimestamp(unset).empty());
  google::protobuf::Timestamp t;
  t.set_seconds(0);
  t.set_nanos(5);
  CHECK(FormatTimestamp(t) == "1970-01-01T00:00:00Z");
  CHECK(FormatElapsed(std::chrono::milliseconds(0)) == "0.0s");
  CHECK(FormatElapsed(std::chrono::milliseconds(12'345)) == "12.3s");
  CHECK(FormatElapsed(std::chrono::milliseconds(125'000)) == "2m05s");
}

TEST_CASE("the printer renders a response in the chosen format") {
  // This test verifies that one response prints as JSON, aligned table or text.
  v1::DescribeInstancesResponse response;
  *response.add_instances() = SampleInstance();
  Table table = InstancesTable(response.instances());

  std::ostringstream json;
  Printer(json, OutputFormat::kJson, true).Print(response, table);
  CHECK(nlohmann::json::parse(json.str())["instances"][0]["state"]["name"] == "running");

  std::ostringstream aligned;
  Printer(aligned, OutputFormat::kTable, false).Print(response, table);
  CHECK(aligned.str().rfind("ID  ", 0) == 0);
  CHECK(aligned.str().find("i-0123456789abcdef0  running") != std::string::npos);

  std::ostringstream text;
  Printer(text, OutputFormat::kText, true).Print(response, table);
  CHECK(text.str().rfind("i-0123456789abcdef0\trunning\t", 0) == 0);
  CHECK(text.str().find('\x1b') == std::string::npos);
}

TEST_CASE("empty responses print only as JSON") {
  // This test verifies that delete-style replies print "{}" for json and nothing else.
  v1::DeleteKeyPairResponse response;
  std::ostringstream json;
  Printer(json, OutputFormat::kJson, false).PrintEmpty(response);
  CHECK(json.str() == "{}\n");
  std::ostringstream table;
  Printer(table, OutputFormat::kTable, false).PrintEmpty(response);
  CHECK(table.str().empty());
}

}  // namespace gureum::cli
