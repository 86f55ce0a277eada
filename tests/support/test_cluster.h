// TestCluster: a real controller and real agents (fake driver by default,
// or libvirt for end-to-end tests) as separate processes on loopback (ports
// chosen by the kernel), and the real `gureum` CLI to drive them: what a user
// runs, in a temp directory that is removed afterwards. The directory is
// world-traversable (0755) because QEMU under qemu:///system runs as
// libvirt-qemu and must reach the agents' disks. Not thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/subprocess.h"

namespace gureum::testing {

struct AgentSpec {
  std::string host_name;
  int vcpus = 8;
  int64_t memory_mib = 16384;
  int64_t disk_gib = 200;
  std::string zone = "zone-a";
  // "fake" (capacity from the fields above, guests in a state file) or
  // "libvirt" (real guests; capacity as the host reports it).
  std::string driver = "fake";
  // Appended to the agent's command line (e.g. --network, --virt-type).
  std::vector<std::string> extra_args;
};

class TestCluster {
 public:
  TestCluster();
  ~TestCluster();

  // Extra flags for every later StartController (e.g. --network).
  void AddControllerArgs(const std::vector<std::string>& args);
  // By default the controller and agents run with --plaintext (loopback). With
  // false, give the controller its TLS flags (AddControllerArgs), the agents
  // theirs (AgentSpec::extra_args) and the CLI its CA bundle (AddCliArgs).
  void set_plaintext(bool plaintext) { plaintext_ = plaintext; }
  // Extra global flags for every later Cli call (e.g. --ca-bundle).
  void AddCliArgs(const std::vector<std::string>& args);
  void StartController();
  // SIGTERM (or SIGKILL with kill9) and wait.
  void StopController(bool kill9 = false);

  // Registers an agent and starts it; returns its index.
  int AddAgent(AgentSpec spec);
  void StartAgent(int index);
  void StopAgent(int index, bool kill9 = false);
  // The agent's --data-dir.
  std::string AgentDir(int index) const;
  Subprocess* agent(int index) { return agents_[index].get(); }

  // Runs `gureum --endpoint <controller> args...`.
  RunResult Cli(const std::vector<std::string>& args, const std::string& stdin_data = "");
  // Runs with `-o json`, requires exit 0 and parses stdout.
  nlohmann::json CliJson(const std::vector<std::string>& args);

  // Waits until every named instance is in `state`.
  bool WaitForState(const std::vector<std::string>& ids, const std::string& state,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30));
  bool WaitForHostsUp(size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Imports a small raw image file and returns its id.
  std::string ImportImage(const std::string& name);
  // Rows in a table of the controller's database (read-only sqlite3 query).
  int64_t CountRows(const std::string& table);
  // `gureum-controller backup FILE` on the live database; true on exit 0.
  bool BackupDatabase(const std::string& file);
  // With the controller stopped: puts `file` in place of the database (and
  // drops its WAL), as docs/operations.md says to restore.
  void RestoreDatabase(const std::string& file);
  // The first column of the first row of a read-only query (-1 if none).
  int64_t QueryInt(const std::string& sql);

  const std::string& dir() const { return dir_; }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  // The bootstrap admin's API key (ACCESS_KEY_ID:SECRET), read from the
  // controller's admin-credentials file after its first start.
  const std::string& admin_key() const { return admin_key_; }
  // Runs the CLI with another API key ("" sends none).
  RunResult CliAs(const std::string& api_key, const std::vector<std::string>& args);
  std::string database() const { return dir_ + "/controller/gureum.db"; }
  Subprocess* controller() { return controller_.get(); }

 private:
  RunResult RunCli(const std::string& api_key, const std::vector<std::string>& args,
                   const std::string& stdin_data);

  std::string dir_;
  std::string admin_key_;
  int port_ = 0;
  std::unique_ptr<Subprocess> controller_;
  std::vector<std::string> controller_args_;
  std::vector<std::string> cli_args_;
  bool plaintext_ = true;
  std::vector<AgentSpec> agent_specs_;
  std::vector<std::unique_ptr<Subprocess>> agents_;
  int controller_starts_ = 0;
};

// Path of a built binary (build/bin/NAME).
std::string BinPath(const std::string& name);

}  // namespace gureum::testing
