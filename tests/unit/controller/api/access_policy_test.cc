#include "controller/api/access_policy.h"

#include <catch2/catch.hpp>

namespace gureum::controller {

TEST_CASE("access policy: readers describe, members change their project, admins all") {
  CHECK(Allows(PolicyFor("DescribeInstances").need, "reader", false));
  CHECK_FALSE(PolicyFor("DescribeInstances").mutating);
  CHECK_FALSE(Allows(PolicyFor("RunInstances").need, "reader", false));
  CHECK(Allows(PolicyFor("RunInstances").need, "member", false));
  CHECK(PolicyFor("RunInstances").mutating);
  for (const char* admin_only :
       {"DescribeHosts", "DisableHost", "EnableHost", "SetQuota", "ImportImage", "DeregisterImage",
        "CreateInstanceType", "DeleteInstanceType", "CreateProject", "CreateUser", "DeleteUser",
        "SetUserRole", "DescribeUsers", "DescribeAuditEvents"}) {
    INFO(admin_only);
    CHECK_FALSE(Allows(PolicyFor(admin_only).need, "member", false));
    CHECK(Allows(PolicyFor(admin_only).need, "admin", true));
  }
  // Own keys: any role.
  CHECK(Allows(PolicyFor("CreateAccessKey").need, "reader", false));
  CHECK(Allows(PolicyFor("RotateAccessKey").need, "reader", false));
}

TEST_CASE("access policy: an operation nobody listed needs admin and is audited") {
  OperationPolicy unknown = PolicyFor("SomeFutureOperation");
  CHECK(unknown.need == Need::kAdmin);
  CHECK(unknown.mutating);
  CHECK_FALSE(Allows(unknown.need, "member", false));
  CHECK_FALSE(Allows(unknown.need, "", false));
}

}  // namespace gureum::controller
