#include "common/id_generator.h"

#include <set>

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
