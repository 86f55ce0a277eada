#include "controller/store/client_token_repository.h"

#include <string>

#include <catch2/catch.hpp>

#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {

TEST_CASE("client tokens are stored per project and purged by age") {
  // This test verifies that client tokens are stored and read per project, keep a binary result,
  // and are purged by age.
  testing::StoreFixture f;
  const std::string result("r-1\0\xff", 5);
  f.Run([&](Repositories& repos) {
    repos.client_tokens.Insert("p1", "tok",
                               ClientTokenRecord{"RunInstances", "hash-1", result, 100});
    repos.client_tokens.Insert("p2", "tok",
                               ClientTokenRecord{"ImportImage", "hash-2", "ami-1", 300});
  });
  auto got = f.Get<std::optional<ClientTokenRecord>>(
      [](Repositories& repos) { return repos.client_tokens.Get("p1", "tok"); });
  REQUIRE(got.has_value());
  CHECK(got->operation == "RunInstances");
  CHECK(got->request_hash == "hash-1");
  CHECK(got->result == result);
  CHECK(got->created_at == 100);
  CHECK(f.Get<std::string>([](Repositories& repos) {
    return repos.client_tokens.Get("p2", "tok")->operation;
  }) == "ImportImage");
  CHECK_FALSE(f.Get<bool>(
      [](Repositories& repos) { return repos.client_tokens.Get("p3", "tok").has_value(); }));

  // Nothing is purged before its resource has ended, however old.
  CHECK(f.WriteValue<int>(
            [](Repositories& repos) { return repos.client_tokens.PurgeBefore(1000, 1000); }) == 0);
  // Neither the reservation nor the image exists: both ended at 150.
  CHECK(f.WriteValue<int>([](Repositories& repos) { return repos.client_tokens.MarkEnded(150); }) ==
        2);
  CHECK(f.WriteValue<int>([](Repositories& repos) { return repos.client_tokens.MarkEnded(160); }) ==
        0);
  CHECK(f.WriteValue<int>(
            [](Repositories& repos) { return repos.client_tokens.PurgeBefore(100, 200); }) == 0);
  CHECK(f.WriteValue<int>(
            [](Repositories& repos) { return repos.client_tokens.PurgeBefore(200, 150); }) == 0);
  CHECK(f.WriteValue<int>(
            [](Repositories& repos) { return repos.client_tokens.PurgeBefore(200, 200); }) == 1);
  CHECK_FALSE(f.Get<bool>(
      [](Repositories& repos) { return repos.client_tokens.Get("p1", "tok").has_value(); }));
  CHECK(f.Get<bool>(
      [](Repositories& repos) { return repos.client_tokens.Get("p2", "tok").has_value(); }));
}

}  // namespace gureum::controller
