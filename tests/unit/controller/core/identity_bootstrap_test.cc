#include <string>

#include <catch2/catch.hpp>

#include "controller/core/identity_service.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {

using testing::CoreHarness;

TEST_CASE("the bootstrap administrator is committed only once its key is persisted") {
  // This test verifies that a failed write of the key file commits nothing,
  // so the next start bootstraps again and the only administrator's key can
  // never be lost; and that once persisted, later starts create no second one.
  CoreHarness h;
  IdentityService identity(h.core());
  auto failed = identity.Bootstrap([](const BootstrapCredential&) {
    return absl::PermissionDeniedError("write /data/admin-credentials: Permission denied");
  });
  CHECK(absl::IsPermissionDenied(failed.status()));

  std::string persisted;
  auto created = identity.Bootstrap([&](const BootstrapCredential& c) {
    persisted = c.access_key_id + ":" + c.secret;
    return absl::OkStatus();
  });
  REQUIRE(created.ok());
  REQUIRE(created->has_value());
  CHECK((*created)->user_name == "admin");
  CHECK(persisted == (*created)->access_key_id + ":" + (*created)->secret);

  bool called = false;
  auto again = identity.Bootstrap([&](const BootstrapCredential&) {
    called = true;
    return absl::OkStatus();
  });
  REQUIRE(again.ok());
  CHECK_FALSE(again->has_value());
  CHECK_FALSE(called);
}

}  // namespace gureum::controller
