// StoreBench: SQLite transactions per second under the controller's
// durability settings (WAL, synchronous=FULL), in one process without gRPC:
// (1) a one-row insert transaction on a scratch connection with
// synchronous=FULL and =NORMAL (the cost of the fsync); (2) the real launch
// transaction, InstanceLauncher::Run over the controller's Store, with 1, 10
// and 100 instances per transaction (what batching gives). Not thread-safe.
#pragma once

#include <string>

namespace gureum::bench {

struct StoreBenchOptions {
  std::string work_dir = "/tmp/gureum-bench-store";
  int hosts = 100;
  int seconds = 5;  // per measurement
};

class StoreBench {
 public:
  explicit StoreBench(StoreBenchOptions options) : options_(std::move(options)) {}
  int Run();

 private:
  StoreBenchOptions options_;
};

}  // namespace gureum::bench
