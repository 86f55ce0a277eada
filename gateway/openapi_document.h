// OpenApiDocument: the OpenAPI 3.0 description of the gateway, written from
// the RouteTable (every route, its parameters, bodies and answers) and from
// the protobuf descriptors of the messages (schemas follow protobuf's JSON
// mapping), so it is complete by construction. Pure; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "gateway/route_table.h"

namespace gureum::gateway {

class OpenApiDocument {
 public:
  static nlohmann::json Build(const RouteTable& routes, const std::string& version);

  // The JSON schema of one message, by protobuf's JSON mapping; messages it
  // refers to are added to `components` (a map of schema name -> schema).
  static nlohmann::json SchemaOf(const google::protobuf::Descriptor* message,
                                 nlohmann::json* components);
};

}  // namespace gureum::gateway
