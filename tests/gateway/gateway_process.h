// GatewayProcess: a real gureum-gateway in front of a TestCluster's controller,
// on a loopback port the kernel picks, and cpp-httplib clients for it. The
// process is stopped when this object goes. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/support/subprocess.h"
#include "tests/support/test_cluster.h"

namespace gureum::testing {

class GatewayProcess {
 public:
  // Starts the gateway for `controller_endpoint` (host:port) and waits until it serves.
  GatewayProcess(const std::string& dir, const std::string& controller_endpoint,
                 std::vector<std::string> extra_args = {});
  ~GatewayProcess();

  int port() const { return port_; }
  // A client with a 30 s read timeout.
  std::unique_ptr<httplib::Client> Client() const;
  Subprocess* process() { return process_.get(); }

 private:
  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
};

// The body of a reply as JSON (null when the reply is missing or not JSON).
nlohmann::json BodyJson(const httplib::Result& result);

// The bootstrap administrator's API key (ID:SECRET) that a controller with
// --data-dir `controller_data_dir` wrote to admin-credentials on first start.
std::string BootstrapAdminKey(const std::string& controller_data_dir);

}  // namespace gureum::testing
