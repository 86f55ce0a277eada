// ApiBench: DescribeInstances latency and throughput with many instances in
// the store. It starts a controller and simulated hosts, launches
// `instances` instances (batches of 100), waits until they run, then loads
// DescribeInstances (a page of 100, one instance by id, a filtered page of
// 100) from `clients` threads over gRPC and the same through gureum-gateway
// over HTTP. Prints the figures; not thread-safe.
#pragma once

#include <string>
#include <vector>

namespace gureum::bench {

struct ApiBenchOptions {
  std::string controller_binary;
  std::string gateway_binary;  // empty: no REST half
  std::vector<std::string> controller_args;
  std::vector<std::string> gateway_args;
  std::string work_dir = "/tmp/gureum-bench-api";
  std::string api_key;
  int hosts = 100;
  int instances = 100000;
  int clients = 4;
  int duration_s = 10;
  int timeout_s = 1800;
};

class ApiBench {
 public:
  explicit ApiBench(ApiBenchOptions options) : options_(std::move(options)) {}
  int Run();

 private:
  ApiBenchOptions options_;
};

}  // namespace gureum::bench
