#include "common/id_generator.h"

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

namespace gureum {

TEST_CASE("ids look like EC2's and do not repeat") {
  IdGenerator ids(42);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = ids.Next("i");
    REQUIRE(id.size() == 19);
    REQUIRE(IsWellFormedId("i", id));
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("ids made later sort later, also within one millisecond") {
  // This test verifies that ids are time-ordered (a new row's key lands at
  // the right edge of the indexes keyed by it) and still never repeat when
  // thousands are made in the same millisecond.
  IdGenerator ids(7);
  std::string previous = ids.Next("i");
  for (int i = 0; i < 20000; ++i) {
    std::string id = ids.Next("i");
    REQUIRE(IsWellFormedId("i", id));
    REQUIRE(id > previous);
    previous = id;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::string later = ids.Next("i");
  CHECK(later > previous);
  // The first 11 digits are the clock's milliseconds.
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  CHECK(std::stoll(later.substr(2, 11), nullptr, 16) <= now);
  CHECK(std::stoll(later.substr(2, 11), nullptr, 16) > now - 60'000);
}

TEST_CASE("malformed ids are recognised") {
  CHECK(IsWellFormedId("i", "i-0123456789abcdef0"));
  CHECK(IsWellFormedId("i", "i-0123abcd"));
  CHECK_FALSE(IsWellFormedId("i", "i-0123456789ABCDEF0"));
  CHECK_FALSE(IsWellFormedId("i", "ami-0123456789abcdef0"));
  CHECK_FALSE(IsWellFormedId("i", "i-123"));
  CHECK_FALSE(IsWellFormedId("i", "i0123456789abcdef0"));
  CHECK_FALSE(IsWellFormedId("ami", "i-0123456789abcdef0"));
}

}  // namespace gureum
