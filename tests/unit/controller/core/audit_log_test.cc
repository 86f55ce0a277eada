#include "controller/core/audit_log.h"

#include <absl/strings/escaping.h>
#include <catch2/catch.hpp>

namespace gureum::controller {

TEST_CASE("audit parameters: secret-bearing fields are redacted, the rest kept") {
  v1::RunInstancesRequest run;
  run.set_image_id("ami-0123456789abcdef0");
  run.set_user_data("#!/bin/sh\necho password=hunter2\n");
  std::string json = RedactedJson(run);
  CHECK_THAT(json, Catch::Contains("ami-0123456789abcdef0"));
  // user_data is bytes: JSON carries base64, of "REDACTED" instead of the script.
  CHECK_THAT(json, Catch::Contains(absl::Base64Escape("REDACTED")));
  CHECK_THAT(json, !Catch::Contains(absl::Base64Escape(run.user_data())));

  v1::AccessKey key;
  key.set_access_key_id("GK0123");
  key.set_secret_access_key("s3cr3t-value");
  json = RedactedJson(key);
  CHECK_THAT(json, Catch::Contains("GK0123"));
  CHECK_THAT(json, !Catch::Contains("s3cr3t-value"));

  // The original message is not changed.
  CHECK(key.secret_access_key() == "s3cr3t-value");
}

}  // namespace gureum::controller
