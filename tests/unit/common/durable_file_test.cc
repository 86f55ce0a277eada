#include "common/durable_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <catch2/catch.hpp>

namespace gureum {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("gureum-durable-file-test-" + std::to_string(::getpid()) +
                                        "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

mode_t ModeOf(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("a file written atomically replaces the old one whole, with its mode, leaving no temp") {
  // This test verifies the content and the permission bits of a new and of a
  // replaced file, and that the temporary file is gone afterwards.
  TempDir dir;
  const fs::path file = dir.path / "key.pem";
  REQUIRE(WriteFileAtomically(file.string(), "secret one\n", 0600).ok());
  CHECK(Read(file) == "secret one\n");
  CHECK(ModeOf(file) == 0600);
  REQUIRE(WriteFileAtomically(file.string(), "two", 0644).ok());
  CHECK(Read(file) == "two");
  CHECK(ModeOf(file) == 0644);
  REQUIRE(WriteFileAtomically(file.string(), "").ok());
  CHECK(Read(file).empty());
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);
}

TEST_CASE("writing into a missing directory fails naming the file and changes nothing") {
  // This test verifies the error of a write that cannot happen.
  TempDir dir;
  const fs::path file = dir.path / "missing" / "port";
  absl::Status status = WriteFileAtomically(file.string(), "1234\n");
  CHECK(absl::IsNotFound(status));
  CHECK(std::string(status.message()).find((dir.path / "missing").string()) != std::string::npos);
  CHECK_FALSE(fs::exists(file));
}

TEST_CASE("a finished temporary file is committed into place") {
  // This test verifies CommitFile: the target holds the temporary file's
  // bytes and the temporary file is gone; a missing one is NotFound.
  TempDir dir;
  const fs::path temp = dir.path / "blob.partial";
  const fs::path final_path = dir.path / "blob";
  std::ofstream(temp) << "bytes";
  REQUIRE(CommitFile(temp.string(), final_path.string()).ok());
  CHECK(Read(final_path) == "bytes");
  CHECK_FALSE(fs::exists(temp));
  CHECK(absl::IsNotFound(CommitFile(temp.string(), final_path.string())));
  CHECK(SyncDirectory(dir.path.string()).ok());
}

}  // namespace gureum
