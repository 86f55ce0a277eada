#include "bench/gureum_launcher.h"

#include <filesystem>
#include <future>
#include <thread>

#include <google/protobuf/util/time_util.h>
#include <nlohmann/json.hpp>

namespace gureum::bench {
namespace {

// DescribeInstances, tried once more if the connection was closed under it.
// With 20 TCG guests on the two cores this process can miss the controller's
// keepalive deadline (a ping answered within 5 s); the controller then closes
// the connection ("Keepalive watchdog fired" in its gRPC trace) and the next
// call on it fails with UNAVAILABLE before the channel reconnects.
grpc::Status Describe(ComputeClient& client, const v1::DescribeInstancesRequest& request,
                      v1::DescribeInstancesResponse* response) {
  grpc::Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    response->Clear();
    status = client.Stub(0).DescribeInstances(client.Context().get(), request, response);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
  }
  return status;
}

using Steady = std::chrono::steady_clock;
using google::protobuf::util::TimeUtil;

std::vector<std::string> DirectoryNames(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

bool DomainExists(virConnectPtr conn, const std::string& name) {
  virDomainPtr domain = virDomainLookupByName(conn, name.c_str());
  if (domain == nullptr) return false;
  virDomainFree(domain);
  return true;
}

}  // namespace

absl::StatusOr<std::vector<GureumLaunch>> GureumLauncher::Launch(int count, TimePoint deadline) {
  const std::vector<std::string> before = DirectoryNames(instances_dir_);
  const std::vector<std::string> args{"run-instances",       "--image-id",   image_id_,
                                      "--instance-type",     instance_type_, "--count",
                                      std::to_string(count), "--wait"};
  const Steady::time_point start = Steady::now();
  std::future<absl::StatusOr<std::string>> cli =
      std::async(std::launch::async, [this, &args] { return cli_.Run(args); });
  std::map<std::string, Steady::time_point> seen =
      watch_.WaitAll([&] { return ConsoleLogsUnder(instances_dir_, before); },
                     static_cast<size_t>(count), deadline);
  absl::StatusOr<std::string> out = cli.get();
  if (!out.ok()) return out.status();
  nlohmann::json reply = nlohmann::json::parse(*out, nullptr, /*allow_exceptions=*/false);
  if (!reply.is_object() || !reply.contains("instances")) {
    return absl::InternalError("unexpected run-instances output: " + out->substr(0, 500));
  }
  std::vector<GureumLaunch> launches;
  for (const nlohmann::json& instance : reply["instances"]) {
    GureumLaunch launch;
    launch.instance_id = instance.value("instanceId", "");
    auto it = seen.find(instances_dir_ + "/" + launch.instance_id + "/console.log");
    if (it != seen.end()) {
      launch.ms_to_marker = std::chrono::duration<double, std::milli>(it->second - start).count();
    }
    launches.push_back(std::move(launch));
  }
  for (const GureumLaunch& launch : launches) {
    if (launch.ms_to_marker < 0) {
      return absl::DeadlineExceededError(launch.instance_id + " did not print the marker in time");
    }
  }
  return launches;
}

absl::Status GureumLauncher::Terminate(const std::vector<std::string>& ids, TimePoint deadline) {
  if (ids.empty()) return absl::OkStatus();
  v1::TerminateInstancesRequest request;
  for (const std::string& id : ids) request.add_instance_ids(id);
  grpc::Status status;
  // A connection that sat idle through a long boot may be found broken by
  // the first call; the call is idempotent, so try again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    v1::InstanceStateChangeResponse response;
    status = client_.Stub(0).TerminateInstances(client_.Context().get(), request, &response);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
  }
  if (!status.ok()) return absl::UnavailableError("TerminateInstances: " + status.error_message());
  while (Steady::now() < deadline) {
    bool gone = true;
    for (const std::string& id : ids) {
      if (DomainExists(conn_, "gureum-" + id) ||
          std::filesystem::exists(instances_dir_ + "/" + id)) {
        gone = false;
        break;
      }
    }
    if (gone) return absl::OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return absl::DeadlineExceededError("terminated instances still have domains or files");
}

absl::Status GureumLauncher::TerminateAll(TimePoint deadline) {
  v1::DescribeInstancesRequest request;
  v1::DescribeInstancesResponse response;
  grpc::Status status = Describe(client_, request, &response);
  if (!status.ok()) return absl::UnavailableError("DescribeInstances: " + status.error_message());
  std::vector<std::string> ids;
  for (const v1::Instance& instance : response.instances()) {
    if (instance.state().name() != "terminated") ids.push_back(instance.instance_id());
  }
  return Terminate(ids, deadline);
}

absl::StatusOr<ControllerTimes> GureumLauncher::Times(const std::string& id) {
  ControllerTimes times;
  v1::DescribeInstancesRequest request;
  request.add_instance_ids(id);
  v1::DescribeInstancesResponse response;
  grpc::Status status = Describe(client_, request, &response);
  if (!status.ok()) return absl::UnavailableError("DescribeInstances: " + status.error_message());
  if (response.instances_size() != 1) return absl::NotFoundError("no instance " + id);
  times.launch_time_ms = TimeUtil::TimestampToMilliseconds(response.instances(0).launch_time());

  v1::WatchEventsRequest watch;
  watch.set_resource_id(id);
  watch.set_follow(false);
  std::unique_ptr<grpc::ClientContext> context = client_.Context(std::chrono::seconds(10));
  std::unique_ptr<grpc::ClientReader<v1::Event>> events =
      client_.Stub(0).WatchEvents(context.get(), watch);
  for (v1::Event event; events->Read(&event);) {
    const int64_t at = TimeUtil::TimestampToMilliseconds(event.time());
    if (event.type() == "instance.launched" && times.launched_event_ms < 0) {
      times.launched_event_ms = at;
    }
    if (event.to_state() == "running" && times.running_event_ms < 0) times.running_event_ms = at;
  }
  events->Finish();  // what was read is all there is to use
  return times;
}

}  // namespace gureum::bench
