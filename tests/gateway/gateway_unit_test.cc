// Unit tests of the gateway's pure parts: status mapping, JSON bridge, route
// matching and the OpenAPI document.
#include <cctype>

#include <catch2/catch.hpp>

#include "common/api_error.h"
#include "gateway/compute_routes.h"
#include "gateway/grpc_json_bridge.h"
#include "gateway/http_error_mapper.h"
#include "gateway/openapi_document.h"
#include "gateway/request_security.h"
#include "gateway/route_table.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::gateway {
namespace {

TEST_CASE("http error mapper maps gRPC codes to HTTP statuses as documented") {
  using C = grpc::StatusCode;
  CHECK(HttpErrorMapper::HttpStatusFor(C::INVALID_ARGUMENT, "InvalidParameterValue") == 400);
  CHECK(HttpErrorMapper::HttpStatusFor(C::UNAUTHENTICATED, "") == 401);
  CHECK(HttpErrorMapper::HttpStatusFor(C::PERMISSION_DENIED, "") == 403);
  CHECK(HttpErrorMapper::HttpStatusFor(C::NOT_FOUND, "InvalidInstanceID.NotFound") == 404);
  CHECK(HttpErrorMapper::HttpStatusFor(C::ALREADY_EXISTS, "InvalidKeyPair.Duplicate") == 409);
  CHECK(HttpErrorMapper::HttpStatusFor(C::FAILED_PRECONDITION, "IncorrectInstanceState") == 409);
  CHECK(HttpErrorMapper::HttpStatusFor(C::FAILED_PRECONDITION, "DryRunOperation") == 412);
  CHECK(HttpErrorMapper::HttpStatusFor(C::RESOURCE_EXHAUSTED, "InstanceLimitExceeded") == 429);
  CHECK(HttpErrorMapper::HttpStatusFor(C::RESOURCE_EXHAUSTED, "InsufficientInstanceCapacity") ==
        503);
  CHECK(HttpErrorMapper::HttpStatusFor(C::UNIMPLEMENTED, "") == 501);
  CHECK(HttpErrorMapper::HttpStatusFor(C::UNAVAILABLE, "") == 503);
  CHECK(HttpErrorMapper::HttpStatusFor(C::DEADLINE_EXCEEDED, "") == 504);
  CHECK(HttpErrorMapper::HttpStatusFor(C::INTERNAL, "") == 500);
}

TEST_CASE("http error mapper takes the body from the ErrorDetail of the gRPC status") {
  grpc::Status status =
      ToGrpcStatus(InvalidParameter("MaxCount", "MaxCount must be >= 1"), "req-0123");
  HttpError error = HttpErrorMapper::FromGrpc(status, "ignored");
  CHECK(error.http_status == 400);
  CHECK(error.body["code"] == "InvalidParameterValue");
  CHECK(error.body["message"] == "MaxCount must be >= 1");
  CHECK(error.body["field"] == "MaxCount");
  CHECK(error.body["requestId"] == "req-0123");

  HttpError transport =
      HttpErrorMapper::FromGrpc(grpc::Status(grpc::StatusCode::UNAVAILABLE, "refused"), "gw-1");
  CHECK(transport.http_status == 503);
  CHECK(transport.body["code"] == "ServiceUnavailable");
  CHECK(transport.body["requestId"] == "gw-1");

  HttpError missing =
      HttpErrorMapper::FromGrpc(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, ""), "");
  CHECK(missing.http_status == 501);
  CHECK(missing.body["code"] == "NotImplemented");
}

TEST_CASE("json bridge uses the proto JSON mapping and refuses unknown fields") {
  v1::RunInstancesRequest request;
  REQUIRE(GrpcJsonBridge::ParseBody(
              R"({"imageId":"ami-1","maxCount":2,"userData":"aGk=","placement":{"groupName":"g"}})",
              &request)
              .ok());
  CHECK(request.image_id() == "ami-1");
  CHECK(request.max_count() == 2);
  CHECK(request.user_data() == "hi");
  CHECK(request.placement().group_name() == "g");

  v1::RunInstancesRequest empty;
  CHECK(GrpcJsonBridge::ParseBody("  ", &empty).ok());
  absl::Status typo = GrpcJsonBridge::ParseBody(R"({"imageID":"ami-1"})", &empty);
  CHECK(typo.code() == absl::StatusCode::kInvalidArgument);
  CHECK(ErrorCodeOf(typo) == "InvalidParameterValue");
  CHECK_FALSE(GrpcJsonBridge::ParseBody("[1,2]", &empty).ok());

  v1::Instance instance;
  instance.set_memory_mib(512);
  std::string json = GrpcJsonBridge::ToJson(instance);
  CHECK(json.find(R"("memoryMib":"512")") != std::string::npos);
  CHECK(json.find(R"("instanceId":"")") != std::string::npos);  // defaults are printed
}

TEST_CASE("route table keeps {id} and {id}:verb apart and names allowed methods") {
  RouteTable table;
  table.Add({.method = "GET", .path = "/v1/things/{id}"}, nullptr);
  table.Add({.method = "DELETE", .path = "/v1/things/{id}"}, nullptr);
  table.Add({.method = "POST", .path = "/v1/things/{id}:stop"}, nullptr);
  CHECK(table.AllowedMethods("/v1/things/t-1") == "GET, DELETE");
  CHECK(table.AllowedMethods("/v1/things/t-1:stop") == "POST");
  CHECK(table.AllowedMethods("/v1/things/t-1/more").empty());
  CHECK(table.routes()[0].param_names == std::vector<std::string>{"id"});
}

TEST_CASE("openapi document describes every route with proto JSON schemas") {
  std::atomic<bool> stopping{false};
  ComputeRoutes compute(nullptr, {}, &stopping);
  RouteTable table;
  compute.AddTo(table);
  nlohmann::json doc = OpenApiDocument::Build(table, "0.0.0");
  CHECK(doc["openapi"] == "3.0.3");
  for (const auto& route : table.routes()) {
    std::string method = route.spec.method;
    for (char& ch : method) ch = static_cast<char>(std::tolower(ch));
    INFO(route.spec.method << " " << route.spec.path);
    CHECK(doc["paths"][route.spec.path].contains(method));
    CHECK(doc["paths"][route.spec.path][method]["responses"].contains(
        std::to_string(route.spec.success_status)));
  }
  CHECK(table.routes().size() >= 33);
  const auto& schemas = doc["components"]["schemas"];
  CHECK(schemas["Instance"]["properties"]["memoryMib"]["type"] == "string");
  CHECK(schemas["Instance"]["properties"]["launchTime"]["format"] == "date-time");
  CHECK(schemas["Instance"]["properties"]["tags"]["items"]["$ref"] == "#/components/schemas/Tag");
  CHECK(schemas["RunInstancesRequest"]["properties"]["userData"]["format"] == "byte");
  CHECK(schemas.contains("Error"));
  const auto& events = doc["paths"]["/v1/events"]["get"]["responses"]["200"]["content"];
  CHECK(events["text/event-stream"]["x-event-schema"]["$ref"] == "#/components/schemas/Event");
  CHECK(doc["paths"]["/v1/instances"]["post"]["parameters"][0]["name"] == "Idempotency-Key");
  // Every operation but the document itself needs an API key in a header.
  CHECK(doc["components"]["securitySchemes"]["ApiKey"]["in"] == "header");
  CHECK(doc["components"]["securitySchemes"]["ApiKey"]["name"] == "X-Gureum-Api-Key");
  CHECK(doc["security"][0].contains("ApiKey"));
  CHECK(doc["paths"]["/v1/openapi.json"]["get"]["security"].empty());
  CHECK(doc["paths"]["/v1/instances"]["get"]["responses"].contains("401"));
  CHECK(doc["paths"]["/v1/instances"]["post"]["responses"].contains("415"));
  CHECK(doc["paths"].contains("/v1/caller-identity"));
  CHECK(doc["paths"]["/v1/access-keys/{accessKeyId}"].contains("patch"));
  CHECK(doc["paths"]["/v1/audit-events"].contains("get"));
}

httplib::Request RequestWith(httplib::Headers headers, std::string remote_addr = "192.0.2.7") {
  httplib::Request req;
  req.method = "GET";
  req.path = "/v1/instances";
  req.headers = std::move(headers);
  req.remote_addr = std::move(remote_addr);
  return req;
}

std::string MetadataValue(const CallMetadata& metadata, const std::string& name) {
  for (const auto& [key, value] : metadata) {
    if (key == name) return value;
  }
  return "<none>";
}

TEST_CASE("request credentials become call metadata, from headers only") {
  auto plain = CallMetadataOf(RequestWith({{"X-Gureum-Api-Key", "AK1:s3cret"},
                                           {"X-Gureum-Project", "alpha"},
                                           {"X-Gureum-Forwarded-For", "203.0.113.9"}}));
  REQUIRE(plain.ok());
  CHECK(MetadataValue(*plain, "x-gureum-api-key") == "AK1:s3cret");
  CHECK(MetadataValue(*plain, "x-gureum-project") == "alpha");
  CHECK(MetadataValue(*plain, "x-gureum-all-projects") == "<none>");
  // The client's own claim is never passed on: the peer is.
  CHECK(MetadataValue(*plain, "x-gureum-forwarded-for") == "192.0.2.7");

  auto bearer = CallMetadataOf(
      RequestWith({{"Authorization", "Bearer AK2:other"}, {"X-Gureum-All-Projects", "true"}}));
  REQUIRE(bearer.ok());
  CHECK(MetadataValue(*bearer, "x-gureum-api-key") == "AK2:other");
  CHECK(MetadataValue(*bearer, "x-gureum-all-projects") == "true");

  auto basic = CallMetadataOf(RequestWith({{"Authorization", "Basic Zm9vOmJhcg=="}}));
  REQUIRE(basic.ok());
  CHECK(MetadataValue(*basic, "x-gureum-api-key") == "<none>");

  auto query = RequestWith({});
  query.params.emplace("all_projects", "maybe");
  CHECK(ErrorCodeOf(CallMetadataOf(query).status()) == "InvalidParameterValue");
  auto control =
      CallMetadataOf(RequestWith({{"X-Gureum-Api-Key", std::string("AK1:\x01") + "bad"}}));
  CHECK(control.status().code() == absl::StatusCode::kUnauthenticated);
}

TEST_CASE("only empty or JSON bodies are accepted on state-changing requests") {
  httplib::Request req = RequestWith({{"Content-Type", "text/plain"}});
  CHECK(IsAcceptableBody(req));  // a GET
  req.method = "POST";
  CHECK(IsAcceptableBody(req));  // empty body
  req.body = "{}";
  CHECK_FALSE(IsAcceptableBody(req));
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  CHECK_FALSE(IsAcceptableBody(req));
  req.headers = {{"Content-Type", "Application/JSON; charset=utf-8"}};
  CHECK(IsAcceptableBody(req));
  req.headers = {};
  CHECK_FALSE(IsAcceptableBody(req));

  httplib::Response res;
  AddSecurityHeaders(req, res);
  CHECK(res.get_header_value("Cache-Control") == "no-store");
  CHECK(res.get_header_value("X-Frame-Options") == "DENY");
  CHECK(res.get_header_value("Content-Security-Policy").find("script-src 'self'") !=
        std::string::npos);
}

}  // namespace
}  // namespace gureum::gateway
