// RouteTable: every REST route of the gateway, described once (method, path
// template, operation, request and response messages, query parameters) and
// used twice: to install handlers on the HTTP server and to write the OpenAPI
// document, so the document cannot miss a route. Built once at start-up, then
// read-only: thread-safe for concurrent reads.
#pragma once

#include <functional>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <httplib.h>

namespace gureum::gateway {

struct QueryParameter {
  std::string name;
  std::string type = "string";  // string | integer | boolean
  std::string description;
  bool repeated = false;  // comma-separated or repeated (?a=1&a=2)
  // `filter[<name>]=v1,v2`: an OpenAPI deepObject of string values.
  bool deep_object = false;
};

struct RouteSpec {
  std::string method;        // GET | POST | PUT | PATCH | DELETE
  std::string path;          // OpenAPI template, e.g. /v1/instances/{instanceId}:stop
  std::string operation_id;  // e.g. StopInstance
  std::string summary;
  std::string tag;  // groups operations in the document, e.g. Instances
  const google::protobuf::Descriptor* request_body = nullptr;
  bool request_body_required = false;
  const google::protobuf::Descriptor* response = nullptr;
  int success_status = 200;
  std::vector<QueryParameter> query;
  bool idempotency_key = false;  // honours the Idempotency-Key header
  // Non-JSON success content ("text/event-stream"); empty = application/json.
  std::string content_type;
};

using PathParams = std::map<std::string, std::string>;
using RouteHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const PathParams&)>;

class RouteTable {
 public:
  struct Route {
    RouteSpec spec;
    RouteHandler handler;
    std::vector<std::string> param_names;
    std::string pattern_text;
    std::regex pattern;
  };

  // Requires a path whose {names} are unique.
  void Add(RouteSpec spec, RouteHandler handler);
  const std::vector<Route>& routes() const { return routes_; }

  // Registers every route on `server`, and an error handler that answers
  // unknown /v1 paths with a JSON 404 and a known path with the wrong method
  // with a JSON 405 (with an Allow header).
  void Install(httplib::Server& server) const;

  // The methods allowed on `path` ("" if no route matches it).
  std::string AllowedMethods(const std::string& path) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace gureum::gateway
