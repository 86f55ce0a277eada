#include "tests/gateway/gateway_process.h"

#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace gureum::testing {

GatewayProcess::GatewayProcess(const std::string& dir, const std::string& controller_endpoint,
                               std::vector<std::string> extra_args) {
  const std::string port_file = dir + "/gateway.port";
  std::filesystem::remove(port_file);
  std::vector<std::string> argv{BinPath("gureum-gateway"),
                                "--listen",
                                "127.0.0.1:0",
                                "--controller",
                                controller_endpoint,
                                "--port-file",
                                port_file,
                                "--log-level",
                                "debug",
                                "--plaintext"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<Subprocess>(std::move(argv), dir + "/gateway");
  bool up = Eventually([&] { return std::filesystem::exists(port_file) || !process_->Running(); },
                       std::chrono::seconds(20));
  if (!up || !process_->Running()) {
    throw std::runtime_error("gateway did not start: " + process_->Stderr());
  }
  port_ = std::stoi(ReadFile(port_file));
}

GatewayProcess::~GatewayProcess() {
  if (process_) process_->Stop(std::chrono::seconds(5));
}

std::unique_ptr<httplib::Client> GatewayProcess::Client() const {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
  client->set_read_timeout(30, 0);
  client->set_connection_timeout(5, 0);
  return client;
}

nlohmann::json BodyJson(const httplib::Result& result) {
  if (!result) return nullptr;
  return nlohmann::json::parse(result->body, nullptr, /*allow_exceptions=*/false);
}

std::string BootstrapAdminKey(const std::string& controller_data_dir) {
  const std::string path = controller_data_dir + "/admin-credentials";
  std::istringstream lines(ReadFile(path));
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("GUREUM_API_KEY=")) return line.substr(15);
  }
  throw std::runtime_error("no GUREUM_API_KEY line in " + path);
}

}  // namespace gureum::testing
