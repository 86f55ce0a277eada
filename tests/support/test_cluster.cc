#include "tests/support/test_cluster.h"

#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <sqlite3.h>

namespace gureum::testing {

std::string BinPath(const std::string& name) { return std::string(GUREUM_BIN_DIR) + "/" + name; }

TestCluster::TestCluster() {
  char dir_template[] = "/tmp/gureum-test-XXXXXX";
  dir_ = mkdtemp(dir_template);
  chmod(dir_.c_str(), 0755);
}

TestCluster::~TestCluster() {
  for (auto& agent : agents_) {
    if (agent) agent->Stop(std::chrono::seconds(3));
  }
  if (controller_) controller_->Stop(std::chrono::seconds(3));
  if (std::getenv("GUREUM_KEEP_TEST_DIR") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

void TestCluster::AddControllerArgs(const std::vector<std::string>& args) {
  controller_args_.insert(controller_args_.end(), args.begin(), args.end());
}

void TestCluster::AddCliArgs(const std::vector<std::string>& args) {
  cli_args_.insert(cli_args_.end(), args.begin(), args.end());
}

void TestCluster::StartController() {
  const std::string port_file = dir_ + "/controller.port";
  std::filesystem::remove(port_file);
  // Port 0 on the first start; the same port afterwards so agents find it again.
  std::string listen = "127.0.0.1:" + std::to_string(port_);
  std::vector<std::string> argv{BinPath("gureum-controller"),
                                "--listen",
                                listen,
                                "--data-dir",
                                dir_ + "/controller",
                                "--port-file",
                                port_file,
                                "--heartbeat-interval-ms",
                                "500",
                                "--log-level",
                                "debug"};
  if (plaintext_) argv.push_back("--plaintext");
  argv.insert(argv.end(), controller_args_.begin(), controller_args_.end());
  controller_ = std::make_unique<Subprocess>(
      std::move(argv), dir_ + "/controller." + std::to_string(controller_starts_++));
  bool up =
      Eventually([&] { return std::filesystem::exists(port_file) || !controller_->Running(); },
                 std::chrono::seconds(20));
  if (!up || !controller_->Running()) {
    throw std::runtime_error("controller did not start: " + controller_->Stderr());
  }
  port_ = std::stoi(ReadFile(port_file));
  std::istringstream credentials(ReadFile(dir_ + "/controller/admin-credentials"));
  for (std::string line; std::getline(credentials, line);) {
    if (line.rfind("GUREUM_API_KEY=", 0) == 0) admin_key_ = line.substr(15);
  }
  if (admin_key_.empty()) throw std::runtime_error("no admin key in admin-credentials");
}

void TestCluster::StopController(bool kill9) {
  if (kill9) {
    controller_->Signal(SIGKILL);
    controller_->Wait(std::chrono::seconds(5));
  } else {
    controller_->Stop();
  }
}

int TestCluster::AddAgent(AgentSpec spec) {
  agent_specs_.push_back(std::move(spec));
  agents_.emplace_back();
  int index = static_cast<int>(agents_.size()) - 1;
  StartAgent(index);
  return index;
}

std::string TestCluster::AgentDir(int index) const {
  return dir_ + "/agent-" + agent_specs_[index].host_name;
}

void TestCluster::StartAgent(int index) {
  const AgentSpec& spec = agent_specs_[index];
  const std::string agent_dir = AgentDir(index);
  std::filesystem::create_directories(agent_dir);
  std::vector<std::string> argv{BinPath("gureum-agent"),
                                "--controller",
                                endpoint(),
                                "--host-name",
                                spec.host_name,
                                "--driver",
                                spec.driver,
                                "--availability-zone",
                                spec.zone,
                                "--data-dir",
                                agent_dir,
                                "--resync-interval-ms",
                                "500",
                                "--log-level",
                                "debug"};
  if (plaintext_) argv.push_back("--plaintext");
  if (spec.driver == "fake") {
    argv.insert(argv.end(),
                {"--vcpus", std::to_string(spec.vcpus), "--memory-mib",
                 std::to_string(spec.memory_mib), "--disk-gib", std::to_string(spec.disk_gib),
                 "--fake-state-file", agent_dir + "/fake-domains.json"});
  }
  argv.insert(argv.end(), spec.extra_args.begin(), spec.extra_args.end());
  agents_[index] = std::make_unique<Subprocess>(
      std::move(argv),
      agent_dir + "/agent." +
          std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
}

void TestCluster::StopAgent(int index, bool kill9) {
  if (kill9) {
    agents_[index]->Signal(SIGKILL);
    agents_[index]->Wait(std::chrono::seconds(5));
  } else {
    agents_[index]->Stop();
  }
}

RunResult TestCluster::Cli(const std::vector<std::string>& args, const std::string& stdin_data) {
  return RunCli(admin_key_, args, stdin_data);
}

RunResult TestCluster::CliAs(const std::string& api_key, const std::vector<std::string>& args) {
  return RunCli(api_key, args, "");
}

RunResult TestCluster::RunCli(const std::string& api_key, const std::vector<std::string>& args,
                              const std::string& stdin_data) {
  std::vector<std::string> argv{BinPath("gureum"), "--endpoint", endpoint()};
  argv.insert(argv.end(), cli_args_.begin(), cli_args_.end());
  argv.insert(argv.end(), args.begin(), args.end());
  // A clean environment for the CLI's own settings: no profile or endpoint leaks in.
  return Run(argv, std::chrono::seconds(60),
             {{"GUREUM_ENDPOINT", ""},
              {"GUREUM_PROFILE", ""},
              {"GUREUM_PROJECT", ""},
              {"GUREUM_API_KEY", api_key},
              {"HOME", dir_}},
             stdin_data);
}

nlohmann::json TestCluster::CliJson(const std::vector<std::string>& args) {
  std::vector<std::string> with_output = args;
  with_output.insert(with_output.end(), {"-o", "json"});
  RunResult r = Cli(with_output);
  if (r.exit_code != 0) {
    throw std::runtime_error("gureum exited " + std::to_string(r.exit_code) + ": " + r.err);
  }
  return nlohmann::json::parse(r.out);
}

bool TestCluster::WaitForState(const std::vector<std::string>& ids, const std::string& state,
                               std::chrono::milliseconds timeout) {
  return Eventually(
      [&] {
        std::vector<std::string> args{"describe-instances", "--instance-ids"};
        args.insert(args.end(), ids.begin(), ids.end());
        args.insert(args.end(), {"-o", "json"});
        RunResult r = Cli(args);
        if (r.exit_code != 0) return false;
        auto doc = nlohmann::json::parse(r.out);
        size_t matching = 0;
        for (const auto& instance : doc["instances"]) {
          if (instance["state"]["name"] == state) ++matching;
        }
        return matching == ids.size();
      },
      timeout, std::chrono::milliseconds(200));
}

bool TestCluster::WaitForHostsUp(size_t count, std::chrono::milliseconds timeout) {
  return Eventually(
      [&] {
        RunResult r = Cli({"describe-hosts", "-o", "json"});
        if (r.exit_code != 0) return false;
        auto doc = nlohmann::json::parse(r.out);
        size_t up = 0;
        for (const auto& host : doc["hosts"]) {
          if (host["state"] == "up") ++up;
        }
        return up >= count;
      },
      timeout, std::chrono::milliseconds(200));
}

std::string TestCluster::ImportImage(const std::string& name) {
  const std::string path = dir_ + "/" + name + ".raw";
  WriteFile(path, std::string(1 << 20, '\x5a'));
  auto doc = CliJson({"import-image", "--name", name, "--source-path", path});
  return doc["imageId"];
}

bool TestCluster::BackupDatabase(const std::string& file) {
  RunResult r = Run({BinPath("gureum-controller"), "--database", database(), "backup", file},
                    std::chrono::seconds(60));
  return r.exit_code == 0;
}

void TestCluster::RestoreDatabase(const std::string& file) {
  std::filesystem::copy_file(file, database(), std::filesystem::copy_options::overwrite_existing);
  std::filesystem::remove(database() + "-wal");
  std::filesystem::remove(database() + "-shm");
}

int64_t TestCluster::CountRows(const std::string& table) {
  return QueryInt("SELECT COUNT(*) FROM " + table);
}

int64_t TestCluster::QueryInt(const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(database().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  int64_t count = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    count = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return count;
}

}  // namespace gureum::testing
