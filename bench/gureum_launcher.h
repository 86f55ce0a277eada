// GureumLauncher: the Gureum side of the launch bench. Launches instances
// with the real CLI (`gureum run-instances --count N --wait`) and times each
// from just before the CLI is spawned to its boot marker (MarkerWatch on the
// console log the agent has virtlogd write under <agent>/instances/<id>/);
// terminates them and waits until their domains and files are gone; reads
// what the controller recorded (launch_time, events). Not thread-safe.
#pragma once

#include <libvirt/libvirt.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "bench/cli_runner.h"
#include "bench/compute_client.h"
#include "bench/marker_watch.h"

namespace gureum::bench {

struct GureumLaunch {
  std::string instance_id;
  double ms_to_marker = -1;
};

// What the controller recorded about one launch, ms since the epoch (-1 if absent).
struct ControllerTimes {
  int64_t launch_time_ms = -1;  // Instance.launch_time: the request was accepted
  int64_t launched_event_ms = -1;
  int64_t running_event_ms = -1;  // first state change to running
};

class GureumLauncher {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // None of the references is owned; all must outlive this object.
  GureumLauncher(const CliRunner& cli, ComputeClient& client, virConnectPtr conn,
                 MarkerWatch& watch, std::string image_id, std::string instance_type,
                 std::string instances_dir)
      : cli_(cli),
        client_(client),
        conn_(conn),
        watch_(watch),
        image_id_(std::move(image_id)),
        instance_type_(std::move(instance_type)),
        instances_dir_(std::move(instances_dir)) {}

  // One CLI call launching `count`; every instance must print the marker by
  // `deadline`.
  absl::StatusOr<std::vector<GureumLaunch>> Launch(int count, TimePoint deadline);
  // TerminateInstances, then waits until their domains and instance
  // directories are gone (the agent is idle again).
  absl::Status Terminate(const std::vector<std::string>& ids, TimePoint deadline);
  // Terminates every instance the controller lists that is not terminated.
  absl::Status TerminateAll(TimePoint deadline);
  absl::StatusOr<ControllerTimes> Times(const std::string& id);

 private:
  const CliRunner& cli_;
  ComputeClient& client_;
  virConnectPtr conn_;
  MarkerWatch& watch_;
  const std::string image_id_;
  const std::string instance_type_;
  const std::string instances_dir_;
};

}  // namespace gureum::bench
