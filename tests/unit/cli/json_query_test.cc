#include "cli/output/json_query.h"

#include <catch2/catch.hpp>

namespace gureum::cli {
namespace {

using nlohmann::ordered_json;

const ordered_json kReply = ordered_json::parse(R"({
  "reservationId": "r-1",
  "instances": [
    {"instanceId": "i-1", "state": {"name": "running"},
     "tags": [{"key": "Name", "value": "web"}, {"key": "team", "value": "a"}]},
    {"instanceId": "i-2", "state": {"name": "stopped"}, "tags": []},
    {"instanceId": "i-3", "state": {"name": "running"},
     "tags": [{"key": "Name", "value": "db"}]}
  ]
})");

ordered_json Query(const std::string& expression) {
  auto query = JsonQuery::Parse(expression);
  REQUIRE(query.ok());
  return query->Apply(kReply);
}

}  // namespace

TEST_CASE("a query selects fields and indexes") {
  // This test verifies dotted fields, [N] and negative indexes.
  CHECK(Query("reservationId") == "r-1");
  CHECK(Query("instances[0].instanceId") == "i-1");
  CHECK(Query("instances[1].state.name") == "stopped");
  CHECK(Query("instances[-1].instanceId") == "i-3");
  CHECK(Query("instances[0].tags[1].value") == "a");
}

TEST_CASE("a query of something absent is null") {
  // This test verifies JMESPath's null for missing fields, indexes out of range and
  // fields of non-objects.
  CHECK(Query("nothing").is_null());
  CHECK(Query("instances[7].instanceId").is_null());
  CHECK(Query("reservationId.deeper").is_null());
  CHECK(Query("reservationId[0]").is_null());
}

TEST_CASE("a projection applies the rest of the path to every element") {
  // This test verifies [*] and [] projections, and that nulls are dropped from them.
  CHECK(Query("instances[].instanceId") == ordered_json({"i-1", "i-2", "i-3"}));
  CHECK(Query("instances[*].state.name") == ordered_json({"running", "stopped", "running"}));
  CHECK(Query("instances[].tags[0].value") == ordered_json({"web", "db"}));
  CHECK(Query("instances[]") == kReply["instances"]);
}

TEST_CASE("[] flattens nested lists while [*] keeps them") {
  // This test verifies the difference between flatten and wildcard, as in JMESPath.
  CHECK(Query("instances[].tags[].key") == ordered_json({"Name", "team", "Name"}));
  CHECK(Query("instances[*].tags[*].key") ==
        ordered_json::parse(R"([["Name", "team"], [], ["Name"]])"));
  CHECK(Query("reservationId[]").is_null());
}

TEST_CASE("queries outside the supported subset are refused with their position") {
  // This test verifies the parse errors users see (exit 2 from the CLI).
  for (const char* bad :
       {"", ".a", "a.", "a..b", "a[", "a[x]", "a[?x==1]", "a | b", "a b", "length(a)", "a[0]b"}) {
    CAPTURE(bad);
    auto query = JsonQuery::Parse(bad);
    REQUIRE_FALSE(query.ok());
    CHECK(query.status().message().find("--query:") == 0);
  }
  auto query = JsonQuery::Parse("instances[0].tags[?]");
  REQUIRE_FALSE(query.ok());
  CHECK(query.status().message().find("position 19") != std::string::npos);
}

}  // namespace gureum::cli
