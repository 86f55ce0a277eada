#include "gateway/openapi_document.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace gureum::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Schema names: the message name, or Parent_Child for nested messages.
std::string SchemaName(const Descriptor* message) {
  std::string name = message->name();
  for (const Descriptor* outer = message->containing_type(); outer != nullptr;
       outer = outer->containing_type()) {
    name = outer->name() + "_" + name;
  }
  return name;
}

nlohmann::json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

nlohmann::json ScalarSchema(const FieldDescriptor* field, nlohmann::json* components) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return {{"type", "integer"}, {"format", "int32"}};
    case FieldDescriptor::CPPTYPE_UINT32:
      return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}};
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT64:
      // The proto JSON mapping writes 64-bit integers as decimal strings (and
      // reads numbers or strings).
      return {{"type", "string"}, {"format", "int64"}, {"pattern", "^-?[0-9]+$"}};
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return {{"type", "number"}, {"format", "double"}};
    case FieldDescriptor::CPPTYPE_FLOAT:
      return {{"type", "number"}, {"format", "float"}};
    case FieldDescriptor::CPPTYPE_BOOL:
      return {{"type", "boolean"}};
    case FieldDescriptor::CPPTYPE_ENUM: {
      nlohmann::json values = nlohmann::json::array();
      for (int i = 0; i < field->enum_type()->value_count(); ++i) {
        values.push_back(field->enum_type()->value(i)->name());
      }
      return {{"type", "string"}, {"enum", values}};
    }
    case FieldDescriptor::CPPTYPE_STRING:
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        return {{"type", "string"}, {"format", "byte"}, {"description", "base64"}};
      }
      return {{"type", "string"}};
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return OpenApiDocument::SchemaOf(field->message_type(), components);
  }
  return nlohmann::json::object();
}

nlohmann::json ErrorSchema() {
  return {{"type", "object"},
          {"description", "Every error answer. code is the EC2 error code."},
          {"required", {"code", "message", "field", "requestId"}},
          {"properties",
           {{"code", {{"type", "string"}, {"example", "InvalidParameterValue"}}},
            {"message", {{"type", "string"}}},
            {"field", {{"type", "string"}, {"description", "API field at fault; empty if none"}}},
            {"requestId", {{"type", "string"}}}}}};
}

nlohmann::json ErrorResponse(const std::string& description) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", Ref("Error")}}}}}};
}

// The HTTP errors a route can answer with (docs/gateway.md has the mapping).
nlohmann::json ErrorResponses(const RouteSpec& spec, bool has_path_params) {
  nlohmann::json responses = nlohmann::json::object();
  responses["400"] =
      ErrorResponse("invalid request (InvalidParameterValue, MissingParameter, ...)");
  responses["401"] =
      ErrorResponse("AuthFailure: no API key, or an unknown, wrong, inactive or expired one");
  responses["403"] =
      ErrorResponse("UnauthorizedOperation: the caller's role in the project does not allow this");
  if (has_path_params || spec.method != "GET") {
    responses["404"] = ErrorResponse("a named resource does not exist");
  }
  if (spec.method != "GET") {
    responses["409"] = ErrorResponse(
        "conflict: IncorrectInstanceState, DependencyViolation, a duplicate (AlreadyExists)");
    responses["412"] = ErrorResponse("DryRunOperation: dry_run and the request would succeed");
    responses["415"] =
        ErrorResponse("UnsupportedMediaType: a non-empty body that is not application/json");
  }
  if (spec.operation_id == "RunInstances") {
    responses["429"] = ErrorResponse("a quota or limit is exceeded (InstanceLimitExceeded)");
  }
  responses["501"] = ErrorResponse("the controller does not implement this operation");
  responses["503"] = ErrorResponse(
      "the controller or a host is unreachable, or capacity is insufficient "
      "(InsufficientInstanceCapacity)");
  responses["default"] = ErrorResponse("any other error");
  return responses;
}

nlohmann::json QueryParameterSchema(const QueryParameter& param) {
  nlohmann::json p = {{"name", param.name}, {"in", "query"}, {"required", false}};
  if (!param.description.empty()) p["description"] = param.description;
  if (param.deep_object) {
    p["style"] = "deepObject";
    p["explode"] = true;
    p["schema"] = {
        {"type", "object"},
        {"additionalProperties", {{"type", "string"}, {"description", "comma-separated values"}}}};
    return p;
  }
  nlohmann::json scalar = {{"type", param.type}};
  if (param.repeated) {
    p["style"] = "form";
    p["explode"] = true;
    p["schema"] = {{"type", "array"}, {"items", scalar}};
  } else {
    p["schema"] = scalar;
  }
  return p;
}

}  // namespace

nlohmann::json OpenApiDocument::SchemaOf(const Descriptor* message, nlohmann::json* components) {
  if (message->full_name() == "google.protobuf.Timestamp") {
    return {{"type", "string"}, {"format", "date-time"}};
  }
  std::string name = SchemaName(message);
  if (components->contains(name)) return Ref(name);
  (*components)[name] = nlohmann::json::object();  // placeholder against recursion
  nlohmann::json properties = nlohmann::json::object();
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    nlohmann::json schema = ScalarSchema(field, components);
    if (field->is_map()) {
      schema = {
          {"type", "object"},
          {"additionalProperties", ScalarSchema(field->message_type()->map_value(), components)}};
    } else if (field->is_repeated()) {
      schema = {{"type", "array"}, {"items", schema}};
    }
    properties[field->json_name()] = schema;
  }
  (*components)[name] = {{"type", "object"},
                         {"description", "gureum.v1 " + message->name() + " (proto JSON)"},
                         {"properties", properties},
                         {"additionalProperties", false}};
  return Ref(name);
}

nlohmann::json OpenApiDocument::Build(const RouteTable& routes, const std::string& version) {
  nlohmann::json components = {{"Error", ErrorSchema()}};
  nlohmann::json paths = nlohmann::json::object();
  std::set<std::string> tags;
  for (const RouteTable::Route& route : routes.routes()) {
    const RouteSpec& spec = route.spec;
    nlohmann::json op = {
        {"operationId", spec.operation_id}, {"summary", spec.summary}, {"tags", {spec.tag}}};
    tags.insert(spec.tag);
    nlohmann::json parameters = nlohmann::json::array();
    for (const std::string& name : route.param_names) {
      parameters.push_back(
          {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    }
    for (const QueryParameter& param : spec.query)
      parameters.push_back(QueryParameterSchema(param));
    if (spec.idempotency_key) {
      parameters.push_back(
          {{"name", "Idempotency-Key"},
           {"in", "header"},
           {"required", false},
           {"description",
            "becomes the request's clientToken (at most 64 printable ASCII characters): a "
            "retry with the same key and body returns the first answer and acts once"},
           {"schema", {{"type", "string"}, {"maxLength", 64}}}});
    }
    if (spec.content_type == "text/event-stream") {
      parameters.push_back({{"name", "Last-Event-ID"},
                            {"in", "header"},
                            {"required", false},
                            {"description", "resume after this event sequence"},
                            {"schema", {{"type", "string"}}}});
    }
    parameters.push_back({{"$ref", "#/components/parameters/Project"}});
    if (spec.method == "GET") {
      parameters.push_back({{"$ref", "#/components/parameters/AllProjects"}});
    }
    op["parameters"] = parameters;
    if (spec.request_body != nullptr) {
      op["requestBody"] = {
          {"required", spec.request_body_required},
          {"content",
           {{"application/json", {{"schema", SchemaOf(spec.request_body, &components)}}}}}};
    }
    nlohmann::json responses = ErrorResponses(spec, !route.param_names.empty());
    nlohmann::json success = {{"description", "success"}};
    if (spec.content_type == "text/event-stream") {
      success["description"] =
          "a stream of Server-Sent Events; each data line is one Event as JSON";
      success["content"] = {{"text/event-stream",
                             {{"schema", {{"type", "string"}}},
                              {"x-event-schema", SchemaOf(spec.response, &components)}}}};
    } else if (spec.response != nullptr) {
      success["content"] = {
          {"application/json", {{"schema", SchemaOf(spec.response, &components)}}}};
    }
    responses[std::to_string(spec.success_status)] = success;
    op["responses"] = responses;
    std::string method = spec.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    paths[spec.path][method] = op;
  }
  paths["/v1/openapi.json"]["get"] = {
      {"operationId", "GetOpenApiDocument"},
      {"summary", "This document"},
      {"tags", {"Meta"}},
      {"security", nlohmann::json::array()},
      {"responses",
       {{"200",
         {{"description", "the OpenAPI 3 document"},
          {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}}}}}};
  tags.insert("Meta");
  nlohmann::json tag_list = nlohmann::json::array();
  for (const std::string& tag : tags) tag_list.push_back({{"name", tag}});
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Gureum REST API"},
        {"version", version},
        {"description",
         "REST/JSON over the gureum.v1.Compute gRPC API. Bodies follow protobuf's JSON "
         "mapping (lowerCamelCase names, 64-bit integers as strings, bytes as base64, "
         "timestamps as RFC 3339). Errors are {code, message, field, requestId}."}}},
      {"servers", {{{"url", "/"}}}},
      {"tags", tag_list},
      {"paths", paths},
      // Either header; every operation but this document needs one.
      {"security", {{{"ApiKey", nlohmann::json::array()}}, {{"Bearer", nlohmann::json::array()}}}},
      {"components",
       {{"schemas", components},
        {"securitySchemes",
         {{"ApiKey",
           {{"type", "apiKey"},
            {"in", "header"},
            {"name", "X-Gureum-Api-Key"},
            {"description", "ACCESS_KEY_ID:SECRET"}}},
          {"Bearer",
           {{"type", "http"},
            {"scheme", "bearer"},
            {"description", "Authorization: Bearer ACCESS_KEY_ID:SECRET"}}}}},
        {"parameters",
         {{"Project",
           {{"name", "X-Gureum-Project"},
            {"in", "header"},
            {"required", false},
            {"description", "the project acted in (default: the user's default project)"},
            {"schema", {{"type", "string"}}}}},
          {"AllProjects",
           {{"name", "all_projects"},
            {"in", "query"},
            {"required", false},
            {"description",
             "admins: list every project's resources (or header X-Gureum-All-Projects: "
             "true)"},
            {"schema", {{"type", "boolean"}}}}}}}}}};
}

}  // namespace gureum::gateway
