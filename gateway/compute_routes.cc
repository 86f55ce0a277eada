#include "gateway/compute_routes.h"

#include <algorithm>
#include <charconv>
#include <map>

#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>

#include "common/api_error.h"
#include "gateway/grpc_json_bridge.h"
#include "gateway/http_error_mapper.h"
#include "gateway/request_security.h"
#include "gateway/sse_event_stream.h"

namespace gureum::gateway {
namespace {

using google::protobuf::Message;
using v1::Compute;

constexpr char kJson[] = "application/json";

void WriteError(httplib::Response& res, const HttpError& error) {
  res.status = error.http_status;
  std::string request_id = error.body.value("requestId", "");
  if (!request_id.empty()) res.set_header("X-Request-Id", request_id);
  res.set_content(error.body.dump(), kJson);
}

// An error found by the gateway itself, mapped exactly as the controller's.
void WriteError(httplib::Response& res, const absl::Status& status) {
  WriteError(res, HttpErrorMapper::FromGrpc(ToGrpcStatus(status), ""));
}

void WriteMessage(httplib::Response& res, int http_status, const Message& message) {
  res.status = http_status;
  res.set_content(GrpcJsonBridge::ToJson(message), kJson);
}

template <typename Request, typename Response>
using UnaryMethod = grpc::Status (Compute::StubInterface::*)(grpc::ClientContext*, const Request&,
                                                             Response*);

// One unary call with the gateway's deadline and the HTTP request's
// credentials (request_security.h). On failure the HTTP error is written to
// `res` and false returned; on success the controller's request id is passed
// on in X-Request-Id.
template <typename Request, typename Response>
bool Call(Compute::StubInterface* stub, std::chrono::milliseconds timeout,
          UnaryMethod<Request, Response> method, const Request& request, Response* response,
          const httplib::Request& req, httplib::Response& res) {
  auto metadata = CallMetadataOf(req);
  if (!metadata.ok()) {
    WriteError(res, metadata.status());
    return false;
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  AddCallMetadata(*metadata, &context);
  grpc::Status status = (stub->*method)(&context, request, response);
  std::string request_id;
  if (status.ok() || status.error_code() != grpc::StatusCode::UNAVAILABLE) {
    const auto& metadata = context.GetServerInitialMetadata();
    if (auto it = metadata.find("x-gureum-request-id"); it != metadata.end()) {
      request_id.assign(it->second.data(), it->second.size());
    }
  }
  if (!status.ok()) {
    WriteError(res, HttpErrorMapper::FromGrpc(status, request_id));
    return false;
  }
  if (!request_id.empty()) res.set_header("X-Request-Id", request_id);
  return true;
}

// Parses the body into `message`; writes a 400 and returns false when it is not
// the message's JSON.
bool ParseBody(const httplib::Request& req, httplib::Response& res, Message* message) {
  if (auto status = GrpcJsonBridge::ParseBody(req.body, message); !status.ok()) {
    WriteError(res, status);
    return false;
  }
  return true;
}

// Every value of a query parameter, repeated (?a=1&a=2) or comma-separated.
std::vector<std::string> QueryList(const httplib::Request& req, const std::string& name) {
  std::vector<std::string> values;
  auto [begin, end] = req.params.equal_range(name);
  for (auto it = begin; it != end; ++it) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      if (!item.empty()) values.emplace_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return values;
}

template <typename Repeated>
void AddAll(const std::vector<std::string>& values, Repeated* field) {
  for (const std::string& value : values) *field->Add() = value;
}

absl::StatusOr<int64_t> QueryInt(const httplib::Request& req, const std::string& name,
                                 int64_t fallback) {
  if (!req.has_param(name)) return fallback;
  std::string text = req.get_param_value(name);
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return InvalidParameter(name, name + " must be an integer, not '" + text + "'");
  }
  return value;
}

absl::StatusOr<bool> QueryBool(const httplib::Request& req, const std::string& name,
                               bool fallback) {
  if (!req.has_param(name)) return fallback;
  std::string text = req.get_param_value(name);
  if (text == "true" || text == "1" || text.empty()) return true;
  if (text == "false" || text == "0") return false;
  return InvalidParameter(name, name + " must be true or false, not '" + text + "'");
}

// `filter[<name>]=v1,v2` query parameters as EC2 filters.
template <typename Repeated>
void AddFilters(const httplib::Request& req, Repeated* filters) {
  std::map<std::string, v1::Filter> by_name;
  for (const auto& [key, value] : req.params) {
    if (!key.starts_with("filter[") || !key.ends_with("]")) continue;
    std::string name = key.substr(7, key.size() - 8);
    by_name[name].set_name(name);
  }
  for (auto& [name, filter] : by_name) {
    AddAll(QueryList(req, "filter[" + name + "]"), filter.mutable_values());
    *filters->Add() = std::move(filter);
  }
}

void NotFound(httplib::Response& res, std::string_view code, std::string_view field,
              const std::string& message) {
  WriteError(res, NotFoundError(code, field, message));
}

// The Idempotency-Key header becomes the request's client token. A body that
// names a different token is refused rather than silently overridden.
bool ApplyIdempotencyKey(const httplib::Request& req, httplib::Response& res,
                         std::string* client_token) {
  if (!req.has_header("Idempotency-Key")) return true;
  std::string key = req.get_header_value("Idempotency-Key");
  if (!client_token->empty() && *client_token != key) {
    WriteError(res, ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidParameterCombination,
                             "ClientToken", "the Idempotency-Key header and clientToken differ"));
    return false;
  }
  *client_token = key;
  return true;
}

QueryParameter Param(std::string name, std::string description, std::string type = "string",
                     bool repeated = false) {
  QueryParameter p;
  p.name = std::move(name);
  p.description = std::move(description);
  p.type = std::move(type);
  p.repeated = repeated;
  return p;
}

QueryParameter FilterParam(std::string description) {
  QueryParameter p;
  p.name = "filter";
  p.description = std::move(description);
  p.deep_object = true;
  return p;
}

QueryParameter DryRunParam() {
  return Param("dry_run",
               "check the request without acting (412 DryRunOperation when it would succeed)",
               "boolean");
}

template <typename T>
const google::protobuf::Descriptor* D() {
  return T::descriptor();
}

}  // namespace

ComputeRoutes::ComputeRoutes(std::shared_ptr<Compute::StubInterface> stub,
                             ComputeRoutesOptions options, const std::atomic<bool>* stopping)
    : stub_(std::move(stub)), options_(options), stopping_(stopping) {}

void ComputeRoutes::AddTo(RouteTable& table) {
  AddInstanceRoutes(table);
  AddInstanceTypeRoutes(table);
  AddImageRoutes(table);
  AddKeyPairRoutes(table);
  AddHostRoutes(table);
  AddPlacementGroupRoutes(table);
  AddQuotaRoutes(table);
  AddEventRoutes(table);
  AddIdentityRoutes(table);
  AddAccessKeyRoutes(table);
  AddAuditRoutes(table);
}

void ComputeRoutes::AddInstanceRoutes(RouteTable& table) {
  auto* stub = stub_.get();
  auto timeout = options_.call_timeout;

  table.Add(
      {.method = "GET",
       .path = "/v1/instances",
       .operation_id = "ListInstances",
       .summary = "Lists instances (DescribeInstances), a page at a time",
       .tag = "Instances",
       .response = D<v1::DescribeInstancesResponse>(),
       .query = {Param("instance_ids", "only these instance ids", "string", true),
                 FilterParam("EC2 filters, e.g. filter[instance-state-name]=running,pending or "
                             "filter[tag:env]=prod; values OR, filters AND"),
                 Param("max_results", "page size, 1-1000 (default 1000)", "integer"),
                 Param("next_token", "the nextToken of the previous page")}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::DescribeInstancesRequest request;
        AddAll(QueryList(req, "instance_ids"), request.mutable_instance_ids());
        AddFilters(req, request.mutable_filters());
        auto max_results = QueryInt(req, "max_results", 0);
        if (!max_results.ok()) return WriteError(res, max_results.status());
        request.set_max_results(static_cast<int32_t>(*max_results));
        request.set_next_token(req.get_param_value("next_token"));
        v1::DescribeInstancesResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DescribeInstances, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/instances",
       .operation_id = "RunInstances",
       .summary =
           "Launches instances (RunInstances); minCount and maxCount default to 1 (controller)",
       .tag = "Instances",
       .request_body = D<v1::RunInstancesRequest>(),
       .request_body_required = true,
       .response = D<v1::RunInstancesResponse>(),
       .success_status = 201,
       .idempotency_key = true},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::RunInstancesRequest request;
        if (!ParseBody(req, res, &request)) return;
        if (!ApplyIdempotencyKey(req, res, request.mutable_client_token())) return;
        v1::RunInstancesResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::RunInstances, request, &response, req,
                 res)) {
          WriteMessage(res, 201, response);
        }
      });

  table.Add(
      {.method = "GET",
       .path = "/v1/instances/{instanceId}",
       .operation_id = "GetInstance",
       .summary = "One instance",
       .tag = "Instances",
       .response = D<v1::Instance>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DescribeInstancesRequest request;
        request.add_instance_ids(p.at("instanceId"));
        v1::DescribeInstancesResponse response;
        if (!Call(stub, timeout, &Compute::StubInterface::DescribeInstances, request, &response,
                  req, res)) {
          return;
        }
        if (response.instances().empty()) {
          return NotFound(res, errc::kInvalidInstanceIdNotFound, "InstanceId",
                          "instance " + p.at("instanceId") + " does not exist");
        }
        WriteMessage(res, 200, response.instances(0));
      });

  table.Add(
      {.method = "DELETE",
       .path = "/v1/instances/{instanceId}",
       .operation_id = "TerminateInstance",
       .summary = "Terminates an instance (TerminateInstances)",
       .tag = "Instances",
       .response = D<v1::InstanceStateChangeResponse>(),
       .query = {DryRunParam()}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::TerminateInstancesRequest request;
        request.add_instance_ids(p.at("instanceId"));
        auto dry_run = QueryBool(req, "dry_run", false);
        if (!dry_run.ok()) return WriteError(res, dry_run.status());
        request.set_dry_run(*dry_run);
        v1::InstanceStateChangeResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::TerminateInstances, request, &response,
                 req, res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/instances/{instanceId}:start",
       .operation_id = "StartInstance",
       .summary = "Starts a stopped instance (StartInstances)",
       .tag = "Instances",
       .response = D<v1::InstanceStateChangeResponse>(),
       .query = {DryRunParam()}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::StartInstancesRequest request;
        request.add_instance_ids(p.at("instanceId"));
        auto dry_run = QueryBool(req, "dry_run", false);
        if (!dry_run.ok()) return WriteError(res, dry_run.status());
        request.set_dry_run(*dry_run);
        v1::InstanceStateChangeResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::StartInstances, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/instances/{instanceId}:stop",
       .operation_id = "StopInstance",
       .summary = "Stops a running instance (StopInstances)",
       .tag = "Instances",
       .response = D<v1::InstanceStateChangeResponse>(),
       .query = {Param("force", "power off without a guest shutdown", "boolean"), DryRunParam()}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::StopInstancesRequest request;
        request.add_instance_ids(p.at("instanceId"));
        auto force = QueryBool(req, "force", false);
        if (!force.ok()) return WriteError(res, force.status());
        auto dry_run = QueryBool(req, "dry_run", false);
        if (!dry_run.ok()) return WriteError(res, dry_run.status());
        request.set_force(*force);
        request.set_dry_run(*dry_run);
        v1::InstanceStateChangeResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::StopInstances, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/instances/{instanceId}:reboot",
       .operation_id = "RebootInstance",
       .summary = "Reboots a running instance (RebootInstances)",
       .tag = "Instances",
       .response = D<v1::RebootInstancesResponse>(),
       .query = {DryRunParam()}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::RebootInstancesRequest request;
        request.add_instance_ids(p.at("instanceId"));
        auto dry_run = QueryBool(req, "dry_run", false);
        if (!dry_run.ok()) return WriteError(res, dry_run.status());
        request.set_dry_run(*dry_run);
        v1::RebootInstancesResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::RebootInstances, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "GET",
       .path = "/v1/instances/{instanceId}/console",
       .operation_id = "GetConsoleOutput",
       .summary = "The tail of the serial console (output is base64, per the proto JSON mapping)",
       .tag = "Instances",
       .response = D<v1::GetConsoleOutputResponse>(),
       .query = {Param("latest", "the most recent output only", "boolean")}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::GetConsoleOutputRequest request;
        request.set_instance_id(p.at("instanceId"));
        auto latest = QueryBool(req, "latest", false);
        if (!latest.ok()) return WriteError(res, latest.status());
        request.set_latest(*latest);
        v1::GetConsoleOutputResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::GetConsoleOutput, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });
}

void ComputeRoutes::AddInstanceTypeRoutes(RouteTable& table) {
  auto* stub = stub_.get();
  auto timeout = options_.call_timeout;

  table.Add(
      {.method = "GET",
       .path = "/v1/instance-types",
       .operation_id = "ListInstanceTypes",
       .summary = "Lists instance types",
       .tag = "InstanceTypes",
       .response = D<v1::DescribeInstanceTypesResponse>(),
       .query = {Param("instance_types", "only these types", "string", true)}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::DescribeInstanceTypesRequest request;
        AddAll(QueryList(req, "instance_types"), request.mutable_instance_types());
        v1::DescribeInstanceTypesResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DescribeInstanceTypes, request, &response,
                 req, res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/instance-types",
       .operation_id = "CreateInstanceType",
       .summary = "Creates an instance type (admin)",
       .tag = "InstanceTypes",
       .request_body = D<v1::InstanceTypeInfo>(),
       .request_body_required = true,
       .response = D<v1::InstanceTypeInfo>(),
       .success_status = 201},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::CreateInstanceTypeRequest request;
        if (!ParseBody(req, res, request.mutable_instance_type())) return;
        v1::InstanceTypeInfo response;
        if (Call(stub, timeout, &Compute::StubInterface::CreateInstanceType, request, &response,
                 req, res)) {
          WriteMessage(res, 201, response);
        }
      });

  table.Add(
      {.method = "GET",
       .path = "/v1/instance-types/{instanceType}",
       .operation_id = "GetInstanceType",
       .summary = "One instance type",
       .tag = "InstanceTypes",
       .response = D<v1::InstanceTypeInfo>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DescribeInstanceTypesRequest request;
        request.add_instance_types(p.at("instanceType"));
        v1::DescribeInstanceTypesResponse response;
        if (!Call(stub, timeout, &Compute::StubInterface::DescribeInstanceTypes, request, &response,
                  req, res)) {
          return;
        }
        if (response.instance_types().empty()) {
          return NotFound(res, errc::kInvalidInstanceType, "InstanceType",
                          "instance type " + p.at("instanceType") + " does not exist");
        }
        WriteMessage(res, 200, response.instance_types(0));
      });

  table.Add(
      {.method = "DELETE",
       .path = "/v1/instance-types/{instanceType}",
       .operation_id = "DeleteInstanceType",
       .summary = "Deletes an instance type no live instance uses (admin)",
       .tag = "InstanceTypes",
       .response = D<v1::DeleteInstanceTypeResponse>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DeleteInstanceTypeRequest request;
        request.set_instance_type(p.at("instanceType"));
        v1::DeleteInstanceTypeResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DeleteInstanceType, request, &response,
                 req, res)) {
          WriteMessage(res, 200, response);
        }
      });
}

void ComputeRoutes::AddImageRoutes(RouteTable& table) {
  auto* stub = stub_.get();
  auto timeout = options_.call_timeout;

  table.Add(
      {.method = "GET",
       .path = "/v1/images",
       .operation_id = "ListImages",
       .summary = "Lists images",
       .tag = "Images",
       .response = D<v1::DescribeImagesResponse>(),
       .query = {Param("image_ids", "only these image ids", "string", true),
                 FilterParam("filters: name, state, disk-format")}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::DescribeImagesRequest request;
        AddAll(QueryList(req, "image_ids"), request.mutable_image_ids());
        AddFilters(req, request.mutable_filters());
        v1::DescribeImagesResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DescribeImages, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/images",
       .operation_id = "ImportImage",
       .summary = "Imports an image from a file on the controller's host",
       .tag = "Images",
       .request_body = D<v1::ImportImageRequest>(),
       .request_body_required = true,
       .response = D<v1::Image>(),
       .success_status = 201,
       .idempotency_key = true},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::ImportImageRequest request;
        if (!ParseBody(req, res, &request)) return;
        if (!ApplyIdempotencyKey(req, res, request.mutable_client_token())) return;
        v1::Image response;
        if (Call(stub, timeout, &Compute::StubInterface::ImportImage, request, &response, req,
                 res)) {
          WriteMessage(res, 201, response);
        }
      });

  table.Add(
      {.method = "GET",
       .path = "/v1/images/{imageId}",
       .operation_id = "GetImage",
       .summary = "One image",
       .tag = "Images",
       .response = D<v1::Image>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DescribeImagesRequest request;
        request.add_image_ids(p.at("imageId"));
        v1::DescribeImagesResponse response;
        if (!Call(stub, timeout, &Compute::StubInterface::DescribeImages, request, &response, req,
                  res)) {
          return;
        }
        if (response.images().empty()) {
          return NotFound(res, errc::kInvalidAmiIdNotFound, "ImageId",
                          "image " + p.at("imageId") + " does not exist");
        }
        WriteMessage(res, 200, response.images(0));
      });

  table.Add(
      {.method = "DELETE",
       .path = "/v1/images/{imageId}",
       .operation_id = "DeregisterImage",
       .summary = "Deregisters an image no live instance uses",
       .tag = "Images",
       .response = D<v1::DeregisterImageResponse>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DeregisterImageRequest request;
        request.set_image_id(p.at("imageId"));
        v1::DeregisterImageResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DeregisterImage, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });
}

void ComputeRoutes::AddKeyPairRoutes(RouteTable& table) {
  auto* stub = stub_.get();
  auto timeout = options_.call_timeout;

  table.Add(
      {.method = "GET",
       .path = "/v1/key-pairs",
       .operation_id = "ListKeyPairs",
       .summary = "Lists key pairs",
       .tag = "KeyPairs",
       .response = D<v1::DescribeKeyPairsResponse>(),
       .query = {Param("key_names", "only these names", "string", true),
                 Param("key_pair_ids", "only these ids", "string", true)}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::DescribeKeyPairsRequest request;
        AddAll(QueryList(req, "key_names"), request.mutable_key_names());
        AddAll(QueryList(req, "key_pair_ids"), request.mutable_key_pair_ids());
        v1::DescribeKeyPairsResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DescribeKeyPairs, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/key-pairs",
       .operation_id = "CreateKeyPair",
       .summary = "Creates a key pair; keyMaterial (the private key) is in this answer only",
       .tag = "KeyPairs",
       .request_body = D<v1::CreateKeyPairRequest>(),
       .request_body_required = true,
       .response = D<v1::CreateKeyPairResponse>(),
       .success_status = 201},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::CreateKeyPairRequest request;
        if (!ParseBody(req, res, &request)) return;
        v1::CreateKeyPairResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::CreateKeyPair, request, &response, req,
                 res)) {
          // The private key must not linger in caches.
          res.set_header("Cache-Control", "no-store");
          WriteMessage(res, 201, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/key-pairs:import",
       .operation_id = "ImportKeyPair",
       .summary = "Imports an OpenSSH public key",
       .tag = "KeyPairs",
       .request_body = D<v1::ImportKeyPairRequest>(),
       .request_body_required = true,
       .response = D<v1::KeyPairInfo>(),
       .success_status = 201},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::ImportKeyPairRequest request;
        if (!ParseBody(req, res, &request)) return;
        v1::KeyPairInfo response;
        if (Call(stub, timeout, &Compute::StubInterface::ImportKeyPair, request, &response, req,
                 res)) {
          WriteMessage(res, 201, response);
        }
      });

  table.Add(
      {.method = "GET",
       .path = "/v1/key-pairs/{keyName}",
       .operation_id = "GetKeyPair",
       .summary = "One key pair",
       .tag = "KeyPairs",
       .response = D<v1::KeyPairInfo>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DescribeKeyPairsRequest request;
        request.add_key_names(p.at("keyName"));
        v1::DescribeKeyPairsResponse response;
        if (!Call(stub, timeout, &Compute::StubInterface::DescribeKeyPairs, request, &response, req,
                  res)) {
          return;
        }
        if (response.key_pairs().empty()) {
          return NotFound(res, errc::kInvalidKeyPairNotFound, "KeyName",
                          "key pair " + p.at("keyName") + " does not exist");
        }
        WriteMessage(res, 200, response.key_pairs(0));
      });

  table.Add(
      {.method = "DELETE",
       .path = "/v1/key-pairs/{keyName}",
       .operation_id = "DeleteKeyPair",
       .summary = "Deletes a key pair (a missing one is not an error, as in EC2)",
       .tag = "KeyPairs",
       .response = D<v1::DeleteKeyPairResponse>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DeleteKeyPairRequest request;
        request.set_key_name(p.at("keyName"));
        v1::DeleteKeyPairResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DeleteKeyPair, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });
}

void ComputeRoutes::AddHostRoutes(RouteTable& table) {
  auto* stub = stub_.get();
  auto timeout = options_.call_timeout;

  table.Add(
      {.method = "GET",
       .path = "/v1/hosts",
       .operation_id = "ListHosts",
       .summary = "Lists hosts with capacity and allocation (admin)",
       .tag = "Hosts",
       .response = D<v1::DescribeHostsResponse>(),
       .query = {Param("host_ids", "only these host ids or names", "string", true)}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::DescribeHostsRequest request;
        AddAll(QueryList(req, "host_ids"), request.mutable_host_ids());
        v1::DescribeHostsResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DescribeHosts, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "GET",
       .path = "/v1/hosts/{hostId}",
       .operation_id = "GetHost",
       .summary = "One host, by id or name",
       .tag = "Hosts",
       .response = D<v1::Host>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DescribeHostsRequest request;
        request.add_host_ids(p.at("hostId"));
        v1::DescribeHostsResponse response;
        if (!Call(stub, timeout, &Compute::StubInterface::DescribeHosts, request, &response, req,
                  res)) {
          return;
        }
        if (response.hosts().empty()) {
          return NotFound(res, errc::kInvalidHostIdNotFound, "HostId",
                          "host " + p.at("hostId") + " does not exist");
        }
        WriteMessage(res, 200, response.hosts(0));
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/hosts/{hostId}:disable",
       .operation_id = "DisableHost",
       .summary = "Stops placing new instances on a host (admin); body {\"reason\": \"...\"}",
       .tag = "Hosts",
       .request_body = D<v1::DisableHostRequest>(),
       .response = D<v1::Host>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DisableHostRequest request;
        if (!ParseBody(req, res, &request)) return;
        request.set_host_id(p.at("hostId"));
        v1::Host response;
        if (Call(stub, timeout, &Compute::StubInterface::DisableHost, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/join-tokens",
       .operation_id = "CreateJoinToken",
       .summary = "A one-time token with which a new host's agent gets its certificate (admin); "
                  "body {\"hostName\": \"...\", \"ttlSeconds\": optional, 3600 by default}; "
                  "the token is shown only in this reply",
       .tag = "Hosts",
       .request_body = D<v1::CreateJoinTokenRequest>(),
       .request_body_required = true,
       .response = D<v1::CreateJoinTokenResponse>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::CreateJoinTokenRequest request;
        if (!ParseBody(req, res, &request)) return;
        v1::CreateJoinTokenResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::CreateJoinToken, request, &response, req,
                 res)) {
          WriteMessage(res, 201, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/hosts/{hostId}:enable",
       .operation_id = "EnableHost",
       .summary = "Lets the scheduler place instances on a host again (admin)",
       .tag = "Hosts",
       .response = D<v1::Host>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::EnableHostRequest request;
        request.set_host_id(p.at("hostId"));
        v1::Host response;
        if (Call(stub, timeout, &Compute::StubInterface::EnableHost, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "GET",
       .path = "/v1/availability-zones",
       .operation_id = "ListAvailabilityZones",
       .summary = "Lists availability zones with their capacity",
       .tag = "Hosts",
       .response = D<v1::DescribeAvailabilityZonesResponse>(),
       .query = {Param("zone_names", "only these zones", "string", true)}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::DescribeAvailabilityZonesRequest request;
        AddAll(QueryList(req, "zone_names"), request.mutable_zone_names());
        v1::DescribeAvailabilityZonesResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DescribeAvailabilityZones, request,
                 &response, req, res)) {
          WriteMessage(res, 200, response);
        }
      });
}

void ComputeRoutes::AddPlacementGroupRoutes(RouteTable& table) {
  auto* stub = stub_.get();
  auto timeout = options_.call_timeout;

  table.Add(
      {.method = "GET",
       .path = "/v1/placement-groups",
       .operation_id = "ListPlacementGroups",
       .summary = "Lists placement groups",
       .tag = "PlacementGroups",
       .response = D<v1::DescribePlacementGroupsResponse>(),
       .query = {Param("group_names", "only these names", "string", true),
                 Param("group_ids", "only these ids", "string", true)}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::DescribePlacementGroupsRequest request;
        AddAll(QueryList(req, "group_names"), request.mutable_group_names());
        AddAll(QueryList(req, "group_ids"), request.mutable_group_ids());
        v1::DescribePlacementGroupsResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DescribePlacementGroups, request,
                 &response, req, res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/placement-groups",
       .operation_id = "CreatePlacementGroup",
       .summary = "Creates a placement group (strategy spread or cluster)",
       .tag = "PlacementGroups",
       .request_body = D<v1::CreatePlacementGroupRequest>(),
       .request_body_required = true,
       .response = D<v1::PlacementGroup>(),
       .success_status = 201},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::CreatePlacementGroupRequest request;
        if (!ParseBody(req, res, &request)) return;
        v1::PlacementGroup response;
        if (Call(stub, timeout, &Compute::StubInterface::CreatePlacementGroup, request, &response,
                 req, res)) {
          WriteMessage(res, 201, response);
        }
      });

  table.Add(
      {.method = "GET",
       .path = "/v1/placement-groups/{groupName}",
       .operation_id = "GetPlacementGroup",
       .summary = "One placement group",
       .tag = "PlacementGroups",
       .response = D<v1::PlacementGroup>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DescribePlacementGroupsRequest request;
        request.add_group_names(p.at("groupName"));
        v1::DescribePlacementGroupsResponse response;
        if (!Call(stub, timeout, &Compute::StubInterface::DescribePlacementGroups, request,
                  &response, req, res)) {
          return;
        }
        if (response.placement_groups().empty()) {
          return NotFound(res, "InvalidPlacementGroup.Unknown", "GroupName",
                          "placement group " + p.at("groupName") + " does not exist");
        }
        WriteMessage(res, 200, response.placement_groups(0));
      });

  table.Add(
      {.method = "DELETE",
       .path = "/v1/placement-groups/{groupName}",
       .operation_id = "DeletePlacementGroup",
       .summary = "Deletes a placement group",
       .tag = "PlacementGroups",
       .response = D<v1::DeletePlacementGroupResponse>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DeletePlacementGroupRequest request;
        request.set_group_name(p.at("groupName"));
        v1::DeletePlacementGroupResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DeletePlacementGroup, request, &response,
                 req, res)) {
          WriteMessage(res, 200, response);
        }
      });
}

void ComputeRoutes::AddQuotaRoutes(RouteTable& table) {
  auto* stub = stub_.get();
  auto timeout = options_.call_timeout;

  table.Add(
      {.method = "GET",
       .path = "/v1/quotas",
       .operation_id = "ListQuotas",
       .summary = "A project's quotas and usage",
       .tag = "Quotas",
       .response = D<v1::DescribeQuotasResponse>(),
       .query = {Param("project_id", "the project (default: the caller's)")}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::DescribeQuotasRequest request;
        request.set_project_id(req.get_param_value("project_id"));
        v1::DescribeQuotasResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DescribeQuotas, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "PUT",
       .path = "/v1/quotas/{resource}",
       .operation_id = "SetQuota",
       .summary = "Sets a quota (admin): instances, vcpus, memory-mib or disk-gib; body "
                  "{\"limit\": \"-1\" (unlimited) or more, \"projectId\": optional}",
       .tag = "Quotas",
       .request_body = D<v1::SetQuotaRequest>(),
       .request_body_required = true,
       .response = D<v1::Quota>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::SetQuotaRequest request;
        if (!ParseBody(req, res, &request)) return;
        request.set_resource(p.at("resource"));
        v1::Quota response;
        if (Call(stub, timeout, &Compute::StubInterface::SetQuota, request, &response, req, res)) {
          WriteMessage(res, 200, response);
        }
      });
}

void ComputeRoutes::AddEventRoutes(RouteTable& table) {
  auto* stub = stub_.get();
  auto heartbeat = options_.sse_heartbeat;
  auto timeout = options_.call_timeout;
  const std::atomic<bool>* stopping = stopping_;

  table.Add(
      {.method = "GET",
       .path = "/v1/events",
       .operation_id = "WatchEvents",
       .summary = "Events as Server-Sent Events: `id: <sequence>` and `data: <Event JSON>`; "
                  "resumes after the Last-Event-ID header or after_sequence",
       .tag = "Events",
       .response = D<v1::Event>(),
       .query = {Param("after_sequence", "deliver events with a larger sequence", "integer"),
                 Param("resource_id", "only events of this resource"),
                 Param("follow", "keep the stream open for new events (default true)", "boolean")},
       .content_type = "text/event-stream"},
      [stub, heartbeat, timeout, stopping](const httplib::Request& req, httplib::Response& res,
                                           const PathParams&) {
        v1::WatchEventsRequest request;
        auto after = QueryInt(req, "after_sequence", 0);
        if (!after.ok()) return WriteError(res, after.status());
        request.set_after_sequence(*after);
        if (req.has_header("Last-Event-ID")) {
          std::string last = req.get_header_value("Last-Event-ID");
          int64_t value = 0;
          auto [ptr, ec] = std::from_chars(last.data(), last.data() + last.size(), value);
          if (ec != std::errc() || ptr != last.data() + last.size()) {
            return WriteError(
                res, InvalidParameter("Last-Event-ID", "Last-Event-ID must be an event sequence"));
          }
          request.set_after_sequence(std::max(request.after_sequence(), value));
        }
        if (request.after_sequence() < 0) {
          return WriteError(res, InvalidParameter("after_sequence", "after_sequence must be >= 0"));
        }
        request.set_resource_id(req.get_param_value("resource_id"));
        auto follow = QueryBool(req, "follow", true);
        if (!follow.ok()) return WriteError(res, follow.status());
        request.set_follow(*follow);
        auto metadata = CallMetadataOf(req);
        if (!metadata.ok()) return WriteError(res, metadata.status());
        // Once the stream has begun the status is 200; a caller without a
        // valid key or a role gets its 401 or 403 here, before it begins.
        v1::CallerIdentity identity;
        if (!Call(stub, timeout, &Compute::StubInterface::GetCallerIdentity,
                  v1::GetCallerIdentityRequest(), &identity, req, res)) {
          return;
        }
        res.set_header("Cache-Control", "no-store");
        res.set_header("X-Accel-Buffering", "no");
        res.set_chunked_content_provider("text/event-stream", [stub, heartbeat, stopping, request,
                                                               metadata = *std::move(metadata)](
                                                                  size_t, httplib::DataSink& sink) {
          SseEventStream stream(stub, request, heartbeat, stopping, metadata);
          stream.Run([&sink](std::string_view frame) {
            return sink.is_writable() && sink.write(frame.data(), frame.size());
          });
          sink.done();
          return true;
        });
      });
}

void ComputeRoutes::AddIdentityRoutes(RouteTable& table) {
  auto* stub = stub_.get();
  auto timeout = options_.call_timeout;

  table.Add(
      {.method = "GET",
       .path = "/v1/caller-identity",
       .operation_id = "GetCallerIdentity",
       .summary = "Who the API key belongs to: user, key id, the project acted in and the "
                  "role that applies there, and every role binding",
       .tag = "Identity",
       .response = D<v1::CallerIdentity>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::GetCallerIdentityRequest request;
        v1::CallerIdentity response;
        if (Call(stub, timeout, &Compute::StubInterface::GetCallerIdentity, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "GET",
       .path = "/v1/projects",
       .operation_id = "ListProjects",
       .summary = "Lists the projects the caller has a role in (an admin: all)",
       .tag = "Identity",
       .response = D<v1::DescribeProjectsResponse>(),
       .query = {Param("project_ids", "only these projects", "string", true)}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::DescribeProjectsRequest request;
        AddAll(QueryList(req, "project_ids"), request.mutable_project_ids());
        v1::DescribeProjectsResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DescribeProjects, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/projects",
       .operation_id = "CreateProject",
       .summary = "Creates a project (admin); projectId is [a-z0-9][a-z0-9-]{0,62}",
       .tag = "Identity",
       .request_body = D<v1::CreateProjectRequest>(),
       .request_body_required = true,
       .response = D<v1::Project>(),
       .success_status = 201},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::CreateProjectRequest request;
        if (!ParseBody(req, res, &request)) return;
        v1::Project response;
        if (Call(stub, timeout, &Compute::StubInterface::CreateProject, request, &response, req,
                 res)) {
          WriteMessage(res, 201, response);
        }
      });

  table.Add(
      {.method = "GET",
       .path = "/v1/users",
       .operation_id = "ListUsers",
       .summary = "Lists users with their role bindings (admin)",
       .tag = "Identity",
       .response = D<v1::DescribeUsersResponse>(),
       .query = {Param("user_names", "only these users", "string", true)}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::DescribeUsersRequest request;
        AddAll(QueryList(req, "user_names"), request.mutable_user_names());
        v1::DescribeUsersResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DescribeUsers, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/users",
       .operation_id = "CreateUser",
       .summary = "Creates a user (admin) with a role (admin, member or reader) in its default "
                  "project; it has no access key until one is created",
       .tag = "Identity",
       .request_body = D<v1::CreateUserRequest>(),
       .request_body_required = true,
       .response = D<v1::User>(),
       .success_status = 201},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::CreateUserRequest request;
        if (!ParseBody(req, res, &request)) return;
        v1::User response;
        if (Call(stub, timeout, &Compute::StubInterface::CreateUser, request, &response, req,
                 res)) {
          WriteMessage(res, 201, response);
        }
      });

  table.Add(
      {.method = "GET",
       .path = "/v1/users/{userName}",
       .operation_id = "GetUser",
       .summary = "One user (admin)",
       .tag = "Identity",
       .response = D<v1::User>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DescribeUsersRequest request;
        request.add_user_names(p.at("userName"));
        v1::DescribeUsersResponse response;
        if (!Call(stub, timeout, &Compute::StubInterface::DescribeUsers, request, &response, req,
                  res)) {
          return;
        }
        if (response.users().empty()) {
          return NotFound(res, errc::kNoSuchEntity, "UserName",
                          "user " + p.at("userName") + " does not exist");
        }
        WriteMessage(res, 200, response.users(0));
      });

  table.Add(
      {.method = "DELETE",
       .path = "/v1/users/{userName}",
       .operation_id = "DeleteUser",
       .summary = "Deletes a user and its access keys (admin)",
       .tag = "Identity",
       .response = D<v1::DeleteUserResponse>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DeleteUserRequest request;
        request.set_user_name(p.at("userName"));
        v1::DeleteUserResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DeleteUser, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "PUT",
       .path = "/v1/users/{userName}/roles/{projectId}",
       .operation_id = "SetUserRole",
       .summary = "Grants or changes a user's role in a project (admin); body {\"role\": "
                  "\"admin\" | \"member\" | \"reader\" | \"none\"} (none removes it)",
       .tag = "Identity",
       .request_body = D<v1::SetUserRoleRequest>(),
       .request_body_required = true,
       .response = D<v1::User>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::SetUserRoleRequest request;
        if (!ParseBody(req, res, &request)) return;
        request.set_user_name(p.at("userName"));
        request.set_project_id(p.at("projectId"));
        v1::User response;
        if (Call(stub, timeout, &Compute::StubInterface::SetUserRole, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "DELETE",
       .path = "/v1/users/{userName}/roles/{projectId}",
       .operation_id = "RemoveUserRole",
       .summary = "Removes a user's role in a project (admin; SetUserRole with role none)",
       .tag = "Identity",
       .response = D<v1::User>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::SetUserRoleRequest request;
        request.set_user_name(p.at("userName"));
        request.set_project_id(p.at("projectId"));
        request.set_role("none");
        v1::User response;
        if (Call(stub, timeout, &Compute::StubInterface::SetUserRole, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });
}

void ComputeRoutes::AddAccessKeyRoutes(RouteTable& table) {
  auto* stub = stub_.get();
  auto timeout = options_.call_timeout;

  table.Add(
      {.method = "GET",
       .path = "/v1/access-keys",
       .operation_id = "ListAccessKeys",
       .summary = "Lists a user's access keys, never their secrets (default: the caller's; "
                  "another user's: admin)",
       .tag = "AccessKeys",
       .response = D<v1::DescribeAccessKeysResponse>(),
       .query = {Param("user_name", "whose keys (default: the caller)")}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::DescribeAccessKeysRequest request;
        request.set_user_name(req.has_param("user_name") ? req.get_param_value("user_name")
                                                         : req.get_param_value("userName"));
        v1::DescribeAccessKeysResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DescribeAccessKeys, request, &response,
                 req, res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/access-keys",
       .operation_id = "CreateAccessKey",
       .summary = "Creates an access key (for the caller, or for userName: admin); "
                  "secretAccessKey is in this answer only",
       .tag = "AccessKeys",
       .request_body = D<v1::CreateAccessKeyRequest>(),
       .response = D<v1::AccessKey>(),
       .success_status = 201},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::CreateAccessKeyRequest request;
        if (!ParseBody(req, res, &request)) return;
        v1::AccessKey response;
        if (Call(stub, timeout, &Compute::StubInterface::CreateAccessKey, request, &response, req,
                 res)) {
          WriteMessage(res, 201, response);
        }
      });

  table.Add(
      {.method = "PATCH",
       .path = "/v1/access-keys/{accessKeyId}",
       .operation_id = "UpdateAccessKey",
       .summary = "Activates or deactivates an access key; body {\"status\": \"active\" | "
                  "\"inactive\"}",
       .tag = "AccessKeys",
       .request_body = D<v1::UpdateAccessKeyRequest>(),
       .request_body_required = true,
       .response = D<v1::AccessKey>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::UpdateAccessKeyRequest request;
        if (!ParseBody(req, res, &request)) return;
        request.set_access_key_id(p.at("accessKeyId"));
        v1::AccessKey response;
        if (Call(stub, timeout, &Compute::StubInterface::UpdateAccessKey, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "DELETE",
       .path = "/v1/access-keys/{accessKeyId}",
       .operation_id = "DeleteAccessKey",
       .summary = "Deletes an access key",
       .tag = "AccessKeys",
       .response = D<v1::DeleteAccessKeyResponse>()},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::DeleteAccessKeyRequest request;
        request.set_access_key_id(p.at("accessKeyId"));
        v1::DeleteAccessKeyResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DeleteAccessKey, request, &response, req,
                 res)) {
          WriteMessage(res, 200, response);
        }
      });

  table.Add(
      {.method = "POST",
       .path = "/v1/access-keys/{accessKeyId}:rotate",
       .operation_id = "RotateAccessKey",
       .summary = "A new key for the same user (secretAccessKey in this answer only); the old "
                  "one expires after graceSeconds (0: inactive at once)",
       .tag = "AccessKeys",
       .request_body = D<v1::RotateAccessKeyRequest>(),
       .response = D<v1::AccessKey>(),
       .success_status = 201},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams& p) {
        v1::RotateAccessKeyRequest request;
        if (!ParseBody(req, res, &request)) return;
        request.set_access_key_id(p.at("accessKeyId"));
        v1::AccessKey response;
        if (Call(stub, timeout, &Compute::StubInterface::RotateAccessKey, request, &response, req,
                 res)) {
          WriteMessage(res, 201, response);
        }
      });
}

void ComputeRoutes::AddAuditRoutes(RouteTable& table) {
  auto* stub = stub_.get();
  auto timeout = options_.call_timeout;

  table.Add(
      {.method = "GET",
       .path = "/v1/audit-events",
       .operation_id = "ListAuditEvents",
       .summary = "The audit log of mutating calls, newest first, a page at a time (admin)",
       .tag = "Audit",
       .response = D<v1::DescribeAuditEventsResponse>(),
       .query = {FilterParam("filters: user-name, project-id, operation, outcome, e.g. "
                             "filter[outcome]=AuthFailure,UnauthorizedOperation"),
                 Param("max_results", "page size, 1-1000 (default 100)", "integer"),
                 Param("next_token", "the nextToken of the previous page")}},
      [stub, timeout](const httplib::Request& req, httplib::Response& res, const PathParams&) {
        v1::DescribeAuditEventsRequest request;
        AddFilters(req, request.mutable_filters());
        auto max_results = QueryInt(req, "max_results", 0);
        if (!max_results.ok()) return WriteError(res, max_results.status());
        request.set_max_results(static_cast<int32_t>(*max_results));
        request.set_next_token(req.get_param_value("next_token"));
        v1::DescribeAuditEventsResponse response;
        if (Call(stub, timeout, &Compute::StubInterface::DescribeAuditEvents, request, &response,
                 req, res)) {
          WriteMessage(res, 200, response);
        }
      });
}

}  // namespace gureum::gateway
