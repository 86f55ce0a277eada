// --query: a small, documented subset of JMESPath applied to a command's JSON
// output. Supported:
//   field.sub        object fields (names of letters, digits, '_' and '-')
//   list[N]          the Nth element; negative N counts from the end
//   list[*]          projection: the rest of the path applied to each element
//   list[]           flatten one level, then project the rest of the path
// As in JMESPath, a missing field or index is null, and nulls are dropped from
// projections. Anything else (filters, functions, multiselect) is a parse error.
// Immutable once parsed; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

namespace gureum::cli {

class JsonQuery {
 public:
  // InvalidArgumentError naming the position of the first character not understood.
  static absl::StatusOr<JsonQuery> Parse(std::string_view expression);

  nlohmann::ordered_json Apply(const nlohmann::ordered_json& document) const;

  const std::string& expression() const { return expression_; }

 private:
  struct Step {
    enum class Kind { kField, kIndex, kWildcard };  // a flatten starts a new segment
    Kind kind;
    std::string field;
    long index = 0;
  };
  using Steps = std::vector<Step>;

  // Applies steps without flatten; a wildcard projects the remaining steps.
  static nlohmann::ordered_json ApplySegment(const nlohmann::ordered_json& value,
                                             const Steps& steps, size_t first);

  std::string expression_;
  // The path split at each flatten: the first segment applies to the document, every
  // later one to each element of the flattened result of the segments before it.
  std::vector<Steps> segments_;
};

}  // namespace gureum::cli
