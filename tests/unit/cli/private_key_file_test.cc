#include "cli/commands/private_key_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

namespace gureum::cli {
namespace {

std::string FreshPath(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() /
              ("gureum-key-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove(path);
  return path.string();
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace

TEST_CASE("a private key file is written with owner-only permissions") {
  // This test verifies the contents and mode 0600, whatever the umask.
  std::string path = FreshPath("mode");
  mode_t old_umask = ::umask(0);
  auto file = PrivateKeyFile::Create(path);
  ::umask(old_umask);
  REQUIRE(file.ok());
  REQUIRE(file->Write("-----BEGIN KEY-----\nabc\n").ok());
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(Slurp(path) == "-----BEGIN KEY-----\nabc\n");
  std::filesystem::remove(path);
}

TEST_CASE("a private key file never replaces an existing file") {
  // This test verifies that an existing file is refused and left untouched.
  std::string path = FreshPath("exists");
  std::ofstream(path) << "old key";
  auto file = PrivateKeyFile::Create(path);
  REQUIRE_FALSE(file.ok());
  CHECK(absl::IsAlreadyExists(file.status()));
  CHECK(Slurp(path) == "old key");
  std::filesystem::remove(path);
}

TEST_CASE("a discarded or abandoned private key file is removed") {
  // This test verifies that a failed create-key-pair leaves no empty file behind.
  std::string discarded = FreshPath("discarded");
  {
    auto file = PrivateKeyFile::Create(discarded);
    REQUIRE(file.ok());
    file->Discard();
  }
  CHECK_FALSE(std::filesystem::exists(discarded));

  std::string abandoned = FreshPath("abandoned");
  { REQUIRE(PrivateKeyFile::Create(abandoned).ok()); }
  CHECK_FALSE(std::filesystem::exists(abandoned));
}

TEST_CASE("a private key file in a missing directory cannot be created") {
  // This test verifies the error for a path that cannot exist.
  auto file = PrivateKeyFile::Create("/no/such/dir/key.pem");
  REQUIRE_FALSE(file.ok());
  CHECK_FALSE(absl::IsAlreadyExists(file.status()));
  CHECK(file.status().message().find("/no/such/dir/key.pem") != absl::string_view::npos);
}

}  // namespace gureum::cli
