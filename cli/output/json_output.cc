#include "cli/output/json_output.h"

#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

namespace gureum::cli {

std::string ToCompactJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = false;
  std::string json;
  // Only fails for messages that cannot be mapped (Any with unknown types); the
  // Gureum API has none, so an empty object is the honest fallback.
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) json = "{}";
  return json;
}

std::string ToPrettyJson(const google::protobuf::Message& message) {
  // Protobuf 3.21's add_whitespace indents by one space; re-indent by two, keeping
  // the fields in their declared order.
  std::string compact = ToCompactJson(message);
  nlohmann::ordered_json parsed =
      nlohmann::ordered_json::parse(compact, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return compact + "\n";
  return parsed.dump(2, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

}  // namespace gureum::cli
