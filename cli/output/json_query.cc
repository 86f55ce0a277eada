#include "cli/output/json_query.h"

#include <cctype>

namespace gureum::cli {
namespace {

using nlohmann::ordered_json;

bool IsFieldChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

absl::Status ErrorAt(std::string_view expression, size_t position, std::string_view what) {
  return absl::InvalidArgumentError("--query: " + std::string(what) + " at position " +
                                    std::to_string(position + 1) + " of '" +
                                    std::string(expression) + "'");
}

}  // namespace

absl::StatusOr<JsonQuery> JsonQuery::Parse(std::string_view expression) {
  JsonQuery query;
  query.expression_ = std::string(expression);
  query.segments_.emplace_back();
  if (expression.empty()) return ErrorAt(expression, 0, "empty expression");
  size_t i = 0;
  bool expect_field = true;  // at the start and after '.'
  while (i < expression.size()) {
    char c = expression[i];
    if (c == '[') {
      size_t close = expression.find(']', i);
      if (close == std::string_view::npos) return ErrorAt(expression, i, "unclosed '['");
      std::string_view inside = expression.substr(i + 1, close - i - 1);
      if (inside.empty()) {
        query.segments_.emplace_back();
      } else if (inside == "*") {
        query.segments_.back().push_back({Step::Kind::kWildcard, "", 0});
      } else {
        size_t digits = inside[0] == '-' ? 1 : 0;
        if (digits == inside.size()) return ErrorAt(expression, i + 1, "expected an index");
        for (size_t d = digits; d < inside.size(); ++d) {
          if (!std::isdigit(static_cast<unsigned char>(inside[d]))) {
            return ErrorAt(expression, i + 1 + d,
                           "expected an index, '*' or nothing between brackets");
          }
        }
        if (inside.size() > 9) return ErrorAt(expression, i + 1, "index too large");
        query.segments_.back().push_back({Step::Kind::kIndex, "", std::stol(std::string(inside))});
      }
      i = close + 1;
      expect_field = false;
    } else if (c == '.') {
      if (expect_field) return ErrorAt(expression, i, "expected a field name");
      ++i;
      expect_field = true;
      if (i == expression.size()) return ErrorAt(expression, i, "expected a field name");
    } else if (IsFieldChar(c)) {
      if (!expect_field) return ErrorAt(expression, i, "expected '.' or '['");
      size_t end = i;
      while (end < expression.size() && IsFieldChar(expression[end])) ++end;
      query.segments_.back().push_back(
          {Step::Kind::kField, std::string(expression.substr(i, end - i)), 0});
      i = end;
      expect_field = false;
    } else {
      return ErrorAt(expression, i, std::string("unsupported character '") + c + "'");
    }
  }
  return query;
}

ordered_json JsonQuery::ApplySegment(const ordered_json& value, const Steps& steps, size_t first) {
  const ordered_json* current = &value;
  for (size_t i = first; i < steps.size(); ++i) {
    const Step& step = steps[i];
    switch (step.kind) {
      case Step::Kind::kField: {
        if (!current->is_object()) return nullptr;
        auto it = current->find(step.field);
        if (it == current->end()) return nullptr;
        current = &*it;
        break;
      }
      case Step::Kind::kIndex: {
        if (!current->is_array()) return nullptr;
        long size = static_cast<long>(current->size());
        long index = step.index < 0 ? size + step.index : step.index;
        if (index < 0 || index >= size) return nullptr;
        current = &(*current)[static_cast<size_t>(index)];
        break;
      }
      case Step::Kind::kWildcard: {
        if (!current->is_array()) return nullptr;
        ordered_json projected = ordered_json::array();
        for (const auto& element : *current) {
          ordered_json result = ApplySegment(element, steps, i + 1);
          if (!result.is_null()) projected.push_back(std::move(result));
        }
        return projected;
      }
    }
  }
  return *current;
}

ordered_json JsonQuery::Apply(const ordered_json& document) const {
  ordered_json value = ApplySegment(document, segments_.front(), 0);
  for (size_t s = 1; s < segments_.size(); ++s) {
    if (!value.is_array()) return nullptr;
    ordered_json flattened = ordered_json::array();
    for (auto& element : value) {
      if (element.is_array()) {
        for (auto& inner : element) flattened.push_back(std::move(inner));
      } else {
        flattened.push_back(std::move(element));
      }
    }
    ordered_json projected = ordered_json::array();
    for (const auto& element : flattened) {
      ordered_json result = ApplySegment(element, segments_[s], 0);
      if (!result.is_null()) projected.push_back(std::move(result));
    }
    value = std::move(projected);
  }
  return value;
}

}  // namespace gureum::cli
