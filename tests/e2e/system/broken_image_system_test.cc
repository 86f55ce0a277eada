// Real VMs end to end: images that cannot work end in a clear state, never
// in a pending that lasts for ever.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/system/system_checks.h"
#include "tests/e2e/system/system_env.h"

namespace gureum::testing {
namespace {

using Steady = std::chrono::steady_clock;

std::string ImageSha256(SystemEnv& env, const std::string& image_id) {
  return env.cluster().CliJson({"describe-images", "--image-ids", image_id})["images"][0]["sha256"];
}

// Launches one instance and requires it to end terminated with
// Server.InternalError; returns the state reason's message.
std::string LaunchAndExpectInternalError(SystemEnv& env, const std::string& image_id) {
  const Steady::time_point launched = Steady::now();
  std::vector<std::string> ids = env.Launch(image_id, 1);
  REQUIRE(ids.size() == 1);
  REQUIRE(env.WaitForState(ids, "terminated", std::chrono::seconds(120)));
  ReportTiming("broken image: launch to terminated", SecondsSince(launched));
  nlohmann::json instance = env.Describe(ids[0]);
  CHECK(instance["stateReason"]["code"] == "Server.InternalError");
  CHECK(env.ExistingDomains(ids).empty());
  CHECK(env.InstanceFiles().empty());
  CHECK_FALSE(env.HasDhcpReservation(instance["macAddress"].get<std::string>()));
  return instance["stateReason"]["message"];
}

TEST_CASE("an image corrupted in the controller's store ends terminated with a checksum error") {
  // This test verifies that a blob whose bytes no longer match the sha256
  // recorded at import is refused by the host (nothing is kept in its cache)
  // and the instance ends terminated with Server.InternalError saying so.
  SystemEnv env;
  const std::string image = env.ImportTinyDisk("tiny-disk");
  const std::string blob = env.cluster().dir() + "/controller/images/" + ImageSha256(env, image);
  REQUIRE(std::filesystem::exists(blob));
  chmod(blob.c_str(), 0644);
  {
    // Same size, one byte changed in the middle.
    std::fstream file(blob, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(std::filesystem::file_size(blob) / 2));
    char byte = 0;
    file.read(&byte, 1);
    file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(blob) / 2));
    byte = static_cast<char>(byte ^ 0x5a);
    file.write(&byte, 1);
  }
  const std::string message = LaunchAndExpectInternalError(env, image);
  INFO("state reason: " << message);
  CHECK(message.find("sha256 mismatch") != std::string::npos);
  CHECK(message.find(ImageSha256(env, image)) != std::string::npos);
  // The cache keeps only verified blobs.
  CHECK(std::filesystem::is_empty(env.agent_dir() + "/images"));
}

TEST_CASE("a truncated qcow2 image ends terminated with an error naming the damage") {
  // This test verifies that a qcow2 file cut short after its header (which
  // imports and hashes fine) is refused before any guest boots from it.
  SystemEnv env;
  const std::string cut = env.cluster().dir() + "/truncated.qcow2";
  std::filesystem::copy_file(SystemEnv::ImagesDir() + "/tiny-disk.qcow2", cut);
  std::filesystem::resize_file(cut, 256 * 1024);
  const std::string image = env.ImportImage("truncated", cut);
  const std::string message = LaunchAndExpectInternalError(env, image);
  INFO("state reason: " << message);
  CHECK(message.find("damaged qcow2") != std::string::npos);
}

TEST_CASE("an image that is not bootable runs but its console never shows the guest") {
  // This test verifies what a user can observe for random bytes imported as a
  // raw disk: as on EC2 the instance is running (the VM runs; its firmware
  // finds nothing to boot), the console never shows the guest's markers, and
  // terminate still removes everything.
  SystemEnv env;
  const std::string junk = env.cluster().dir() + "/junk.raw";
  std::string bytes(4 << 20, '\0');
  std::mt19937 random(7);
  for (char& c : bytes) c = static_cast<char>(random());
  WriteFile(junk, bytes);
  const std::string image = env.ImportImage("junk", junk);
  std::vector<std::string> ids = env.Launch(image, 1);
  REQUIRE(ids.size() == 1);
  REQUIRE(env.WaitForState(ids, "running"));
  // The tiny guest prints its first marker 5-15 s after start under TCG here.
  std::this_thread::sleep_for(std::chrono::seconds(30));
  const std::string console = env.Console(ids[0]);
  INFO("console:\n" << console);
  CHECK(console.find("GUREUM-") == std::string::npos);
  CHECK(env.Describe(ids[0])["state"]["name"] == "running");
  CHECK(env.DomainRunning(ids[0]));

  REQUIRE(env.cluster().Cli({"terminate-instances", "--instance-ids", ids[0]}).exit_code == 0);
  REQUIRE(env.WaitForState(ids, "terminated", std::chrono::seconds(120)));
  CHECK(env.ExistingDomains(ids).empty());
  CHECK(env.InstanceFiles().empty());
}

}  // namespace
}  // namespace gureum::testing
