// REST tests: a real gureum-gateway in front of a real controller and
// fake-driver agents, all on loopback, driven with cpp-httplib's client as
// any HTTP user would.
#include <atomic>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <absl/strings/escaping.h>
#include <catch2/catch.hpp>

#include "tests/gateway/gateway_process.h"
#include "tests/integration/fake_hosts.h"

namespace gureum::testing {
namespace {

using nlohmann::json;

struct RestCluster {
  TestCluster cluster;
  std::unique_ptr<GatewayProcess> gateway;
  std::unique_ptr<httplib::Client> http;
  std::string image_id;

  std::string admin_key;  // the bootstrap administrator's ID:SECRET

  // The controller, two fake hosts and the gateway; `http` sends the bootstrap
  // administrator's key on every request. Hosts are awaited and the image
  // imported through the gateway, as an administrator would.
  explicit RestCluster(std::vector<std::string> gateway_args = {}) {
    cluster.StartController();
    admin_key = BootstrapAdminKey(cluster.dir() + "/controller");
    cluster.AddAgent(FakeHost("host-a"));
    cluster.AddAgent(FakeHost("host-b"));
    gateway = std::make_unique<GatewayProcess>(cluster.dir(), cluster.endpoint(),
                                               std::move(gateway_args));
    http = Client(admin_key);
    REQUIRE(Eventually(
        [&] {
          json hosts = BodyJson(http->Get("/v1/hosts"));
          if (!hosts.is_object()) return false;
          size_t up = 0;
          for (const auto& host : hosts["hosts"]) up += host["state"] == "up" ? 1 : 0;
          return up >= 2;
        },
        std::chrono::seconds(30), std::chrono::milliseconds(200)));
    const std::string path = cluster.dir() + "/tiny.raw";
    WriteFile(path, std::string(1 << 20, '\x5a'));
    // Public: launchable from every project.
    auto imported = Post("/v1/images", {{"name", "tiny"}, {"sourcePath", path}, {"public", true}});
    REQUIRE(imported);
    INFO(imported->body);
    REQUIRE(imported->status == 201);
    image_id = BodyJson(imported)["imageId"];
  }

  // A client that sends `key` (none if empty) and, if given, a project.
  std::unique_ptr<httplib::Client> Client(const std::string& key,
                                          const std::string& project = "") const {
    auto client = gateway->Client();
    httplib::Headers headers;
    if (!key.empty()) headers.emplace("X-Gureum-Api-Key", key);
    if (!project.empty()) headers.emplace("X-Gureum-Project", project);
    client->set_default_headers(headers);
    return client;
  }

  httplib::Result Post(const std::string& path, const json& body,
                       const httplib::Headers& headers = {}) {
    return http->Post(path.c_str(), headers, body.dump(), "application/json");
  }

  json Launch(int count, const std::string& name = "web") {
    auto r = Post("/v1/instances", {{"imageId", image_id},
                                    {"instanceType", "g1.nano"},
                                    {"minCount", count},
                                    {"maxCount", count},
                                    {"tags", {{{"key", "Name"}, {"value", name}}}}});
    REQUIRE(r);
    INFO(r->body);
    REQUIRE(r->status == 201);
    return BodyJson(r);
  }

  std::string StateOf(const std::string& id) {
    auto r = http->Get(("/v1/instances/" + id).c_str());
    if (!r || r->status != 200) return "";
    return BodyJson(r)["state"]["name"];
  }

  bool WaitFor(const std::string& id, const std::string& state) {
    return Eventually([&] { return StateOf(id) == state; }, std::chrono::seconds(30),
                      std::chrono::milliseconds(100));
  }
};

void RequireError(const httplib::Result& r, int status, const std::string& code,
                  const std::string& field = "") {
  REQUIRE(r);
  INFO(r->body);
  CHECK(r->status == status);
  json body = BodyJson(r);
  REQUIRE(body.is_object());
  CHECK(body["code"] == code);
  CHECK(body.contains("message"));
  CHECK(body.contains("requestId"));
  if (!field.empty()) CHECK(body["field"] == field);
  CHECK(r->get_header_value("Content-Type") == "application/json");
}

std::string Base64Decode(const std::string& text) {
  std::string out;
  REQUIRE(absl::Base64Unescape(text, &out));
  return out;
}

TEST_CASE("gateway launches, describes, powers and terminates instances over REST") {
  // This test verifies that every instance route maps onto its gRPC call and
  // answers in the proto JSON mapping.
  RestCluster c;
  json launched = c.Launch(2);
  REQUIRE(launched["instances"].size() == 2);
  CHECK(launched["reservationId"].get<std::string>().starts_with("r-"));
  CHECK(launched["instances"][0]["state"]["name"] == "pending");
  std::string a = launched["instances"][0]["instanceId"];
  std::string b = launched["instances"][1]["instanceId"];

  auto list = c.http->Get("/v1/instances");
  REQUIRE(list);
  CHECK(list->status == 200);
  CHECK(list->get_header_value("X-Request-Id").starts_with("req-"));
  CHECK(BodyJson(list)["instances"].size() == 2);

  auto filtered = c.http->Get("/v1/instances?filter%5Btag%3AName%5D=web&instance_ids=" + a);
  REQUIRE(filtered);
  CHECK(BodyJson(filtered)["instances"].size() == 1);
  auto none = c.http->Get("/v1/instances?filter%5Binstance-state-name%5D=stopped,stopping");
  REQUIRE(none);
  CHECK(BodyJson(none)["instances"].empty());

  REQUIRE(c.WaitFor(a, "running"));
  REQUIRE(c.WaitFor(b, "running"));
  json instance = BodyJson(c.http->Get(("/v1/instances/" + a).c_str()));
  CHECK(instance["instanceId"] == a);
  CHECK(instance["memoryMib"] == "512");  // int64 is a string in the proto JSON mapping
  CHECK(instance["launchTime"].get<std::string>().ends_with("Z"));

  auto console = c.http->Get(("/v1/instances/" + a + "/console").c_str());
  REQUIRE(console);
  REQUIRE(console->status == 200);
  CHECK(Base64Decode(BodyJson(console)["output"]).find("GUREUM-INSTANCE-ID=" + a) !=
        std::string::npos);

  auto stop = c.Post("/v1/instances/" + a + ":stop", json::object());
  REQUIRE(stop);
  CHECK(stop->status == 200);
  CHECK(BodyJson(stop)["instances"][0]["currentState"]["name"] == "stopping");
  REQUIRE(c.WaitFor(a, "stopped"));

  RequireError(c.Post("/v1/instances/" + a + ":reboot", json::object()), 409,
               "IncorrectInstanceState", "InstanceId");

  auto start = c.http->Post(("/v1/instances/" + a + ":start").c_str());
  REQUIRE(start);
  CHECK(start->status == 200);
  REQUIRE(c.WaitFor(a, "running"));
  auto reboot = c.http->Post(("/v1/instances/" + a + ":reboot").c_str());
  REQUIRE(reboot);
  CHECK(reboot->status == 200);
  CHECK(BodyJson(reboot) == json::object());

  auto force_stop = c.http->Post(("/v1/instances/" + b + ":stop?force=true").c_str());
  REQUIRE(force_stop);
  CHECK(force_stop->status == 200);

  auto terminate = c.http->Delete(("/v1/instances/" + a).c_str());
  REQUIRE(terminate);
  CHECK(terminate->status == 200);
  CHECK(BodyJson(terminate)["instances"][0]["currentState"]["name"] == "shutting-down");
  REQUIRE(c.WaitFor(a, "terminated"));
}

TEST_CASE("gateway maps API errors to HTTP statuses with code, message, field and requestId") {
  // This test verifies the gRPC status to HTTP mapping and the JSON error body
  // for errors of the controller and of the gateway itself.
  RestCluster c;
  RequireError(c.http->Post("/v1/instances", "{not json", "application/json"), 400,
               "InvalidParameterValue");
  RequireError(c.Post("/v1/instances", {{"imageID", c.image_id}}), 400, "InvalidParameterValue");
  RequireError(
      c.Post(
          "/v1/instances",
          {{"imageId", c.image_id}, {"instanceType", "g1.nano"}, {"minCount", 2}, {"maxCount", 1}}),
      400, "InvalidParameterValue", "MaxCount");
  auto missing = c.Post("/v1/instances", {{"imageId", c.image_id}});
  RequireError(missing, 400, "MissingParameter", "InstanceType");
  CHECK(BodyJson(missing)["requestId"].get<std::string>().starts_with("req-"));
  CHECK(missing->get_header_value("X-Request-Id") == BodyJson(missing)["requestId"]);

  RequireError(c.http->Get("/v1/instances/i-0123456789abcdef0"), 404, "InvalidInstanceID.NotFound");
  RequireError(c.http->Get("/v1/instances/bogus"), 400, "InvalidInstanceID.Malformed");
  RequireError(c.http->Delete("/v1/instances/i-0123456789abcdef0"), 404,
               "InvalidInstanceID.NotFound");
  RequireError(c.Post("/v1/instances",
                      {{"imageId", c.image_id}, {"instanceType", "g1.nano"}, {"dryRun", true}}),
               412, "DryRunOperation");
  RequireError(c.http->Get("/v1/instances?max_results=many"), 400, "InvalidParameterValue",
               "max_results");
  RequireError(c.http->Post("/v1/instances/i-0123456789abcdef0:stop?force=perhaps"), 400,
               "InvalidParameterValue", "force");

  auto wrong_method = c.http->Put("/v1/instances", "{}", "application/json");
  RequireError(wrong_method, 405, "MethodNotAllowed");
  CHECK(wrong_method->get_header_value("Allow") == "GET, POST");
  RequireError(c.http->Get("/v1/no-such-thing"), 404, "NotFound");

  // A capacity shortfall is the cloud's: 503 with the scheduler's reasons.
  auto too_big = c.Post(
      "/v1/instances",
      {{"imageId", c.image_id}, {"instanceType", "g1.2xlarge"}, {"minCount", 5}, {"maxCount", 5}});
  RequireError(too_big, 503, "InsufficientInstanceCapacity");

  c.cluster.StopController();
  RequireError(c.http->Get("/v1/instances"), 503, "ServiceUnavailable");
}

TEST_CASE("gateway pages instances with max_results and next_token") {
  // This test verifies that pagination walks every instance exactly once.
  RestCluster c;
  c.Launch(5);
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    std::string path = "/v1/instances?max_results=2";
    if (!token.empty()) path += "&next_token=" + httplib::detail::encode_query_param(token);
    auto page = c.http->Get(path.c_str());
    REQUIRE(page);
    REQUIRE(page->status == 200);
    json body = BodyJson(page);
    CHECK(body["instances"].size() <= 2);
    for (const auto& i : body["instances"]) CHECK(seen.insert(i["instanceId"]).second);
    token = body["nextToken"];
    ++pages;
  } while (!token.empty() && pages < 10);
  CHECK(seen.size() == 5);
  CHECK(pages == 3);
  RequireError(c.http->Get("/v1/instances?next_token=not-a-token"), 400, "InvalidNextToken");
  RequireError(c.http->Get("/v1/instances?max_results=5000"), 400, "InvalidParameterValue");
}

TEST_CASE("an Idempotency-Key launches once and replays the first answer") {
  // This test verifies that the Idempotency-Key header is the client token.
  RestCluster c;
  json body = {{"imageId", c.image_id}, {"instanceType", "g1.nano"}};
  httplib::Headers key = {{"Idempotency-Key", "launch-0001"}};
  auto first = c.Post("/v1/instances", body, key);
  auto again = c.Post("/v1/instances", body, key);
  REQUIRE(first);
  REQUIRE(again);
  CHECK(first->status == 201);
  CHECK(again->status == 201);
  CHECK(BodyJson(first)["reservationId"] == BodyJson(again)["reservationId"]);
  CHECK(BodyJson(first)["instances"][0]["instanceId"] ==
        BodyJson(again)["instances"][0]["instanceId"]);
  CHECK(BodyJson(first)["instances"][0]["clientToken"] == "launch-0001");
  CHECK(BodyJson(c.http->Get("/v1/instances"))["instances"].size() == 1);

  json other = body;
  other["instanceType"] = "g1.small";
  RequireError(c.Post("/v1/instances", other, key), 400, "IdempotentParameterMismatch");
  json conflicting = body;
  conflicting["clientToken"] = "something-else";
  RequireError(c.Post("/v1/instances", conflicting, key), 400, "InvalidParameterCombination",
               "ClientToken");
}

TEST_CASE("gateway streams events as Server-Sent Events") {
  // This test verifies SSE delivery of live events, replay with follow=false
  // and resumption after Last-Event-ID.
  RestCluster c({"--sse-heartbeat-ms", "200"});
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::string received;  // guarded by mutex
  std::string content_type;
  std::thread watcher([&] {
    auto client = c.Client(c.admin_key);
    auto r = client->Get(
        "/v1/events",
        [&](const httplib::Response& response) {
          content_type = response.get_header_value("Content-Type");
          return true;
        },
        [&](const char* data, size_t size) {
          std::lock_guard lock(mutex);
          received.append(data, size);
          return !stop.load();
        });
    (void)r;
  });
  auto text = [&] {
    std::lock_guard lock(mutex);
    return received;
  };
  REQUIRE(Eventually([&] { return text().find(": connected") != std::string::npos; },
                     std::chrono::seconds(10)));
  json launched = c.Launch(1);
  std::string id = launched["instances"][0]["instanceId"];
  bool delivered = Eventually(
      [&] {
        std::string t = text();
        return t.find("\"resourceId\":\"" + id + "\"") != std::string::npos &&
               t.find("\"toState\":\"running\"") != std::string::npos;
      },
      std::chrono::seconds(30));
  CHECK(Eventually([&] { return text().find(": keep-alive") != std::string::npos; },
                   std::chrono::seconds(5)));
  stop = true;
  watcher.join();
  REQUIRE(delivered);
  CHECK(content_type == "text/event-stream");

  // follow=false: the past events of one resource, then the stream ends.
  auto past = c.http->Get(("/v1/events?follow=false&resource_id=" + id).c_str());
  REQUIRE(past);
  CHECK(past->status == 200);
  int64_t last = 0;
  int events = 0;
  std::istringstream lines(past->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("id: ")) last = std::stoll(line.substr(4));
    if (line.starts_with("data: ")) {
      json event = json::parse(line.substr(6));
      CHECK(event["resourceId"] == id);
      ++events;
    }
  }
  CHECK(events >= 2);
  auto after = c.http->Get(("/v1/events?follow=false&resource_id=" + id).c_str(),
                           {{"Last-Event-ID", std::to_string(last)}});
  REQUIRE(after);
  CHECK(after->body.find("data: ") == std::string::npos);
  RequireError(c.http->Get("/v1/events?after_sequence=-1"), 400, "InvalidParameterValue",
               "after_sequence");
}

// Routes whose RPC the controller may not implement yet answer 501 NotImplemented.
bool Implemented(const httplib::Result& r) {
  REQUIRE(r);
  if (r->status != 501) return true;
  RequireError(r, 501, "NotImplemented");
  WARN("controller does not implement " << r->body);
  return false;
}

TEST_CASE("image, instance type, key pair, host, zone, placement group and quota routes work") {
  // This test verifies every non-instance route against the controller.
  RestCluster c;
  // Images.
  CHECK(BodyJson(c.http->Get("/v1/images"))["images"].size() == 1);
  CHECK(BodyJson(c.http->Get(("/v1/images/" + c.image_id).c_str()))["imageId"] == c.image_id);
  RequireError(c.http->Get("/v1/images/ami-0123456789abcdef0"), 404, "InvalidAMIID.NotFound");
  const std::string path = c.cluster.dir() + "/second.raw";
  WriteFile(path, std::string(1 << 16, 'x'));
  auto imported = c.Post("/v1/images", {{"name", "second"}, {"sourcePath", path}},
                         {{"Idempotency-Key", "import-1"}});
  REQUIRE(imported);
  CHECK(imported->status == 201);
  std::string second = BodyJson(imported)["imageId"];
  auto replay = c.Post("/v1/images", {{"name", "second"}, {"sourcePath", path}},
                       {{"Idempotency-Key", "import-1"}});
  CHECK(BodyJson(replay)["imageId"] == second);
  CHECK(BodyJson(c.http->Get("/v1/images?filter%5Bname%5D=second"))["images"].size() == 1);
  CHECK(c.http->Delete(("/v1/images/" + second).c_str())->status == 200);

  // Instance types.
  CHECK(BodyJson(c.http->Get("/v1/instance-types"))["instanceTypes"].size() >= 2);
  CHECK(BodyJson(c.http->Get("/v1/instance-types/g1.nano"))["vcpus"] == 1);
  auto created =
      c.Post("/v1/instance-types",
             {{"instanceType", "t9.test"}, {"vcpus", 1}, {"memoryMib", "256"}, {"rootDiskGib", 1}});
  REQUIRE(created);
  CHECK(created->status == 201);
  CHECK(c.http->Get("/v1/instance-types/t9.test")->status == 200);
  CHECK(c.http->Delete("/v1/instance-types/t9.test")->status == 200);
  RequireError(c.http->Get("/v1/instance-types/t9.test"), 404, "InvalidInstanceType");

  // Key pairs.
  auto key = c.Post("/v1/key-pairs", {{"keyName", "k1"}, {"keyType", "ed25519"}});
  REQUIRE(key);
  CHECK(key->status == 201);
  CHECK(key->get_header_value("Cache-Control") == "no-store");
  CHECK(BodyJson(key)["keyMaterial"].get<std::string>().starts_with("-----BEGIN"));
  RequireError(c.Post("/v1/key-pairs", {{"keyName", "k1"}}), 409, "InvalidKeyPair.Duplicate");
  json k1 = BodyJson(c.http->Get("/v1/key-pairs/k1"));
  CHECK(k1["keyName"] == "k1");
  auto import =
      c.Post("/v1/key-pairs:import", {{"keyName", "k2"}, {"publicKeyMaterial", k1["publicKey"]}});
  REQUIRE(import);
  CHECK(import->status == 201);
  CHECK(BodyJson(import)["keyFingerprint"] == k1["keyFingerprint"]);
  CHECK(BodyJson(c.http->Get("/v1/key-pairs?key_names=k1,k2"))["keyPairs"].size() == 2);
  RequireError(c.Post("/v1/key-pairs:import", {{"keyName", "k3"}, {"publicKeyMaterial", "nope"}}),
               400, "InvalidKey.Format");
  CHECK(c.http->Delete("/v1/key-pairs/k1")->status == 200);
  CHECK(c.http->Delete("/v1/key-pairs/k2")->status == 200);
  RequireError(c.http->Get("/v1/key-pairs/k1"), 404, "InvalidKeyPair.NotFound");

  // Hosts.
  json hosts = BodyJson(c.http->Get("/v1/hosts"));
  REQUIRE(hosts["hosts"].size() == 2);
  std::string host_id = hosts["hosts"][0]["hostId"];
  CHECK(BodyJson(c.http->Get(("/v1/hosts/" + host_id).c_str()))["hostId"] == host_id);
  RequireError(c.http->Get("/v1/hosts/h-0123456789abcdef0"), 404, "InvalidHostID.NotFound");
  auto disabled = c.Post("/v1/hosts/" + host_id + ":disable", {{"reason", "maintenance"}});
  if (Implemented(disabled)) {
    CHECK(disabled->status == 200);
    CHECK(BodyJson(disabled)["enabled"] == false);
    auto enabled = c.http->Post(("/v1/hosts/" + host_id + ":enable").c_str());
    CHECK(BodyJson(enabled)["enabled"] == true);
  }
  auto zones = c.http->Get("/v1/availability-zones");
  if (Implemented(zones)) {
    CHECK(zones->status == 200);
    CHECK(BodyJson(zones)["availabilityZones"][0]["zoneName"] == "zone-a");
  }

  // Placement groups.
  auto group = c.Post("/v1/placement-groups", {{"groupName", "pg1"}, {"strategy", "spread"}});
  if (Implemented(group)) {
    CHECK(group->status == 201);
    CHECK(BodyJson(c.http->Get("/v1/placement-groups"))["placementGroups"].size() == 1);
    CHECK(BodyJson(c.http->Get("/v1/placement-groups/pg1"))["strategy"] == "spread");
    CHECK(c.http->Delete("/v1/placement-groups/pg1")->status == 200);
  } else {
    CHECK(Implemented(c.http->Get("/v1/placement-groups")) == false);
    CHECK(Implemented(c.http->Delete("/v1/placement-groups/pg1")) == false);
  }

  // Quotas.
  auto quotas = c.http->Get("/v1/quotas");
  if (Implemented(quotas)) {
    CHECK(quotas->status == 200);
    auto set = c.http->Put("/v1/quotas/instances", R"({"limit": "10"})", "application/json");
    REQUIRE(set);
    CHECK(set->status == 200);
    CHECK(BodyJson(set)["limit"] == "10");
    // A quota is the caller's limit: 429, unlike a capacity shortfall (503).
    REQUIRE(c.http->Put("/v1/quotas/instances", R"({"limit": 0})", "application/json")->status ==
            200);
    RequireError(c.Post("/v1/instances", {{"imageId", c.image_id}, {"instanceType", "g1.nano"}}),
                 429, "InstanceLimitExceeded", "MinCount");
    RequireError(c.http->Put("/v1/quotas/bananas", R"({"limit": 1})", "application/json"), 400,
                 "InvalidParameterValue");
  }
}

TEST_CASE("gateway serves its OpenAPI document and the web console") {
  // This test verifies that /v1/openapi.json describes the routes and / serves the console.
  RestCluster c;
  auto doc = c.http->Get("/v1/openapi.json");
  REQUIRE(doc);
  CHECK(doc->status == 200);
  json openapi = BodyJson(doc);
  CHECK(openapi["openapi"] == "3.0.3");
  CHECK(openapi["paths"]["/v1/instances/{instanceId}:stop"].contains("post"));
  CHECK(openapi["paths"]["/v1/events"]["get"]["responses"]["200"]["content"].contains(
      "text/event-stream"));
  auto index = c.http->Get("/");
  REQUIRE(index);
  CHECK(index->status == 200);
  CHECK(index->get_header_value("Content-Type").starts_with("text/html"));
  CHECK(index->body.find("Gureum") != std::string::npos);
  auto script = c.http->Get("/app.js");
  REQUIRE(script);
  CHECK(script->status == 200);
}

// A user with `role` in `project` and an access key, made through the REST
// identity routes as an administrator; returns ID:SECRET.
std::string MakeUser(RestCluster& c, const std::string& name, const std::string& project,
                     const std::string& role) {
  auto user = c.Post("/v1/users", {{"userName", name}, {"projectId", project}, {"role", role}});
  REQUIRE(user);
  INFO(user->body);
  REQUIRE(user->status == 201);
  auto key = c.Post("/v1/access-keys", {{"userName", name}});
  REQUIRE(key);
  INFO(key->body);
  REQUIRE(key->status == 201);
  json body = BodyJson(key);
  return body["accessKeyId"].get<std::string>() + ":" + body["secretAccessKey"].get<std::string>();
}

TEST_CASE("gateway passes the API key on and answers 401 without a valid one") {
  // This test verifies that credentials come from the X-Gureum-Api-Key or
  // Authorization: Bearer header only, and that a missing or wrong key is a
  // 401 AuthFailure on unary routes and on the event stream alike.
  RestCluster c;
  auto anonymous = c.Client("");
  RequireError(anonymous->Get("/v1/instances"), 401, "AuthFailure");
  RequireError(anonymous->Post("/v1/instances", "{}", "application/json"), 401, "AuthFailure");
  RequireError(anonymous->Get("/v1/events?follow=false"), 401, "AuthFailure");
  std::string key_id = c.admin_key.substr(0, c.admin_key.find(':'));
  RequireError(c.Client(key_id + ":not-the-secret")->Get("/v1/instances"), 401, "AuthFailure");
  RequireError(c.Client("AKNOSUCHKEY0000000000:whatever")->Get("/v1/caller-identity"), 401,
               "AuthFailure");
  // Never from a query string.
  RequireError(anonymous->Get(("/v1/instances?api_key=" + c.admin_key).c_str()), 401,
               "AuthFailure");

  auto bearer = anonymous->Get("/v1/caller-identity", {{"Authorization", "Bearer " + c.admin_key}});
  REQUIRE(bearer);
  INFO(bearer->body);
  CHECK(bearer->status == 200);
  json identity = BodyJson(bearer);
  CHECK(identity["accessKeyId"] == key_id);
  CHECK(identity["role"] == "admin");
  CHECK(bearer->body.find(c.admin_key.substr(key_id.size() + 1)) == std::string::npos);

  auto events = c.http->Get("/v1/events?follow=false");
  REQUIRE(events);
  CHECK(events->status == 200);
  // The key is never written to the gateway's log.
  const std::string secret = c.admin_key.substr(key_id.size() + 1);
  CHECK(c.gateway->process()->Stderr().find(secret) == std::string::npos);
  CHECK(c.gateway->process()->Stdout().find(secret) == std::string::npos);
}

TEST_CASE("gateway creates projects, users and access keys and shows a secret once") {
  // This test verifies the identity routes end to end: projects, users, role
  // bindings, access keys (create, list without secret, deactivate, rotate,
  // delete) and the audit log with the client address the gateway forwarded.
  RestCluster c;
  auto project = c.Post("/v1/projects", {{"projectId", "alpha"}, {"description", "team a"}});
  REQUIRE(project);
  INFO(project->body);
  CHECK(project->status == 201);
  CHECK(BodyJson(project)["projectId"] == "alpha");
  RequireError(c.Post("/v1/projects", {{"projectId", "alpha"}}), 409, "EntityAlreadyExists");
  json projects = BodyJson(c.http->Get("/v1/projects"));
  std::set<std::string> project_ids;
  for (const auto& p : projects["projects"]) project_ids.insert(p["projectId"]);
  CHECK(project_ids.count("alpha") == 1);
  CHECK(project_ids.count("default") == 1);

  auto user =
      c.Post("/v1/users", {{"userName", "alice"}, {"projectId", "alpha"}, {"role", "member"}});
  REQUIRE(user);
  INFO(user->body);
  CHECK(user->status == 201);
  CHECK(BodyJson(user)["defaultProjectId"] == "alpha");
  CHECK(BodyJson(c.http->Get("/v1/users/alice"))["userName"] == "alice");
  CHECK(BodyJson(c.http->Get("/v1/users"))["users"].size() == 2);  // admin and alice

  auto created = c.Post("/v1/access-keys", {{"userName", "alice"}});
  REQUIRE(created);
  INFO(created->body);
  CHECK(created->status == 201);
  CHECK(created->get_header_value("Cache-Control") == "no-store");
  json key = BodyJson(created);
  const std::string key_id = key["accessKeyId"];
  const std::string secret = key["secretAccessKey"];
  REQUIRE(secret.size() >= 16);
  CHECK(key["status"] == "active");

  auto listed = c.http->Get("/v1/access-keys?user_name=alice");
  REQUIRE(listed);
  CHECK(listed->status == 200);
  CHECK(listed->body.find(secret) == std::string::npos);
  json keys = BodyJson(listed)["accessKeys"];
  REQUIRE(keys.size() == 1);
  CHECK(keys[0]["accessKeyId"] == key_id);
  CHECK(keys[0].value("secretAccessKey", "") == "");

  // Alice acts with her key in her default project, and sees her own keys.
  auto alice = c.Client(key_id + ":" + secret);
  json identity = BodyJson(alice->Get("/v1/caller-identity"));
  CHECK(identity["userName"] == "alice");
  CHECK(identity["projectId"] == "alpha");
  CHECK(identity["role"] == "member");
  CHECK(BodyJson(alice->Get("/v1/access-keys"))["accessKeys"].size() == 1);
  RequireError(alice->Get("/v1/users"), 403, "UnauthorizedOperation");
  RequireError(alice->Get("/v1/audit-events"), 403, "UnauthorizedOperation");

  // Roles: reader now, so launching is refused.
  auto role =
      c.http->Put("/v1/users/alice/roles/alpha", R"({"role": "reader"})", "application/json");
  REQUIRE(role);
  INFO(role->body);
  CHECK(role->status == 200);
  CHECK(BodyJson(role)["roles"][0]["role"] == "reader");
  RequireError(alice->Post("/v1/key-pairs", R"({"keyName": "k"})", "application/json"), 403,
               "UnauthorizedOperation");

  // Deactivate, reactivate, rotate, delete.
  auto inactive = c.http->Patch(("/v1/access-keys/" + key_id).c_str(), R"({"status": "inactive"})",
                                "application/json");
  REQUIRE(inactive);
  CHECK(inactive->status == 200);
  CHECK(BodyJson(inactive)["status"] == "inactive");
  RequireError(alice->Get("/v1/caller-identity"), 401, "AuthFailure");
  REQUIRE(c.http
              ->Patch(("/v1/access-keys/" + key_id).c_str(), R"({"status": "active"})",
                      "application/json")
              ->status == 200);
  CHECK(alice->Get("/v1/caller-identity")->status == 200);
  auto rotated = c.Post("/v1/access-keys/" + key_id + ":rotate", {{"graceSeconds", 0}});
  REQUIRE(rotated);
  INFO(rotated->body);
  CHECK(rotated->status == 201);
  json fresh = BodyJson(rotated);
  CHECK(fresh["accessKeyId"] != key_id);
  CHECK(fresh["secretAccessKey"].get<std::string>().size() >= 16);
  RequireError(alice->Get("/v1/caller-identity"), 401, "AuthFailure");
  auto alice2 = c.Client(fresh["accessKeyId"].get<std::string>() + ":" +
                         fresh["secretAccessKey"].get<std::string>());
  CHECK(BodyJson(alice2->Get("/v1/caller-identity"))["userName"] == "alice");
  CHECK(c.http->Delete(("/v1/access-keys/" + key_id).c_str())->status == 200);

  // The audit log has the calls, with the client's address as the gateway saw
  // it, not the one a client claims.
  auto spoofed = c.http->Post("/v1/projects", {{"X-Gureum-Forwarded-For", "203.0.113.9"}},
                              R"({"projectId": "beta"})", "application/json");
  REQUIRE(spoofed);
  CHECK(spoofed->status == 201);
  auto audit = c.http->Get("/v1/audit-events?filter%5Boperation%5D=CreateProject&max_results=10");
  REQUIRE(audit);
  INFO(audit->body);
  REQUIRE(audit->status == 200);
  json events = BodyJson(audit)["auditEvents"];
  REQUIRE(events.size() >= 2);
  CHECK(events[0]["operation"] == "CreateProject");
  CHECK(events[0]["source"].get<std::string>().ends_with(" for 127.0.0.1"));
  CHECK(audit->body.find("203.0.113.9") == std::string::npos);
  CHECK(audit->body.find(secret) == std::string::npos);
  auto page = BodyJson(c.http->Get("/v1/audit-events?max_results=1"));
  CHECK(page["auditEvents"].size() == 1);
  CHECK(!page["nextToken"].get<std::string>().empty());

  CHECK(c.http->Delete("/v1/users/alice")->status == 200);
  RequireError(alice2->Get("/v1/caller-identity"), 401, "AuthFailure");
  CHECK(BodyJson(c.http->Get("/v1/users"))["users"].size() == 1);
}

TEST_CASE("gateway enforces roles and projects: readers cannot launch, projects are apart") {
  // This test verifies 403 for a role that does not allow the call and 404
  // for another project's instance, through the X-Gureum-Project header.
  RestCluster c;
  REQUIRE(c.Post("/v1/projects", {{"projectId", "alpha"}})->status == 201);
  REQUIRE(c.Post("/v1/projects", {{"projectId", "beta"}})->status == 201);
  std::string member = MakeUser(c, "alice", "alpha", "member");
  std::string reader = MakeUser(c, "rita", "alpha", "reader");

  // The administrator launches in beta.
  auto in_beta = c.Client(c.admin_key, "beta")
                     ->Post("/v1/instances",
                            json({{"imageId", c.image_id}, {"instanceType", "g1.nano"}}).dump(),
                            "application/json");
  REQUIRE(in_beta);
  INFO(in_beta->body);
  REQUIRE(in_beta->status == 201);
  std::string beta_id = BodyJson(in_beta)["instances"][0]["instanceId"];

  auto alice = c.Client(member);
  auto launched = alice->Post("/v1/instances",
                              json({{"imageId", c.image_id}, {"instanceType", "g1.nano"}}).dump(),
                              "application/json");
  REQUIRE(launched);
  INFO(launched->body);
  CHECK(launched->status == 201);
  RequireError(alice->Get(("/v1/instances/" + beta_id).c_str()), 404, "InvalidInstanceID.NotFound");
  RequireError(alice->Delete(("/v1/instances/" + beta_id).c_str()), 404,
               "InvalidInstanceID.NotFound");
  CHECK(BodyJson(alice->Get("/v1/instances"))["instances"].size() == 1);
  // A project she has no role in.
  RequireError(c.Client(member, "beta")->Get("/v1/instances"), 403, "UnauthorizedOperation");

  auto rita = c.Client(reader);
  RequireError(rita->Post("/v1/instances",
                          json({{"imageId", c.image_id}, {"instanceType", "g1.nano"}}).dump(),
                          "application/json"),
               403, "UnauthorizedOperation");
  CHECK(BodyJson(rita->Get("/v1/instances"))["instances"].size() == 1);
  RequireError(rita->Get("/v1/hosts"), 403, "UnauthorizedOperation");
  CHECK(rita->Get("/v1/events?follow=false")->status == 200);

  // The administrator sees every project's instances only when asking so.
  CHECK(BodyJson(c.http->Get("/v1/instances"))["instances"].size() == 0);
  CHECK(BodyJson(c.http->Get("/v1/instances?all_projects=true"))["instances"].size() == 2);
  CHECK(BodyJson(c.http->Get("/v1/instances", {{"X-Gureum-All-Projects", "true"}}))["instances"]
            .size() == 2);
}

TEST_CASE("gateway answers with security headers and refuses non-JSON bodies") {
  // This test verifies CSP, nosniff, framing and referrer headers on every
  // answer, no-store on API answers, and 415 for a form or text body (the
  // CSRF defence besides header-only credentials).
  RestCluster c;
  auto check_headers = [](const httplib::Result& r) {
    REQUIRE(r);
    std::string csp = r->get_header_value("Content-Security-Policy");
    CHECK(csp.find("default-src 'self'") != std::string::npos);
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK(r->get_header_value("X-Content-Type-Options") == "nosniff");
    CHECK(r->get_header_value("X-Frame-Options") == "DENY");
    CHECK(r->get_header_value("Referrer-Policy") == "no-referrer");
  };
  for (const char* path :
       {"/", "/app.js", "/v1/instances", "/v1/no-such-thing", "/v1/openapi.json"}) {
    INFO(path);
    auto r = c.http->Get(path);
    check_headers(r);
    if (std::string(path).starts_with("/v1/")) {
      CHECK(r->get_header_value("Cache-Control") == "no-store");
      CHECK(r->get_header_value_count("Cache-Control") == 1);
    }
  }
  check_headers(c.Client("")->Get("/v1/instances"));
  auto events = c.http->Get("/v1/events?follow=false");
  check_headers(events);
  CHECK(events->get_header_value("Cache-Control") == "no-store");

  json launch = {{"imageId", c.image_id}, {"instanceType", "g1.nano"}};
  RequireError(c.http->Post("/v1/instances", launch.dump(), "text/plain"), 415,
               "UnsupportedMediaType", "Content-Type");
  RequireError(c.http->Post("/v1/instances", "imageId=x", "application/x-www-form-urlencoded"), 415,
               "UnsupportedMediaType");
  RequireError(c.http->Put("/v1/quotas/instances", R"({"limit": "10"})", "text/plain"), 415,
               "UnsupportedMediaType");
  CHECK(BodyJson(c.http->Get("/v1/instances"))["instances"].empty());
  // JSON with parameters is JSON; an empty body needs no type.
  auto charset = c.http->Post("/v1/instances", launch.dump(), "application/json; charset=utf-8");
  REQUIRE(charset);
  CHECK(charset->status == 201);
  std::string id = BodyJson(charset)["instances"][0]["instanceId"];
  REQUIRE(c.WaitFor(id, "running"));
  auto stop = c.http->Post(("/v1/instances/" + id + ":stop").c_str());
  REQUIRE(stop);
  CHECK(stop->status == 200);
}

}  // namespace
}  // namespace gureum::testing
