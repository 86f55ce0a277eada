#include "controller/core/audit_log.h"

#include <absl/strings/escaping.h>
#include <absl/strings/numbers.h>
#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <set>

#include "common/api_error.h"
#include "controller/core/instance_view.h"

namespace gureum::controller {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

const std::set<std::string>& SecretFields() {
  static const std::set<std::string> kFields = {"secret_access_key", "token",        "user_data",
                                                "private_key",       "key_material", "password"};
  return kFields;
}

void Redact(Message* message) {
  const auto* descriptor = message->GetDescriptor();
  const auto* reflection = message->GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int j = 0; j < reflection->FieldSize(*message, field); ++j) {
          Redact(reflection->MutableRepeatedMessage(message, field, j));
        }
      } else if (reflection->HasField(*message, field)) {
        Redact(reflection->MutableMessage(message, field));
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
               SecretFields().count(field->name()) > 0) {
      if (field->is_repeated()) {
        for (int j = 0; j < reflection->FieldSize(*message, field); ++j) {
          reflection->SetRepeatedString(message, field, j, "REDACTED");
        }
      } else if (!reflection->GetString(*message, field).empty()) {
        reflection->SetString(message, field, "REDACTED");
      }
    }
  }
}

constexpr std::string_view kTokenPrefix = "audit:";

const std::map<std::string, std::string>& FilterColumns() {
  static const std::map<std::string, std::string> kColumns = {{"user-name", "user_name"},
                                                              {"project-id", "project_id"},
                                                              {"operation", "operation"},
                                                              {"outcome", "outcome"},
                                                              {"request-id", "request_id"}};
  return kColumns;
}

}  // namespace

std::string RedactedJson(const Message& request) {
  std::unique_ptr<Message> copy(request.New());
  copy->CopyFrom(request);
  Redact(copy.get());
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(*copy, &json, options).ok()) return "{}";
  return json;
}

void AuditLog::Record(const RequestContext& ctx, const std::string& operation,
                      const Message& request, const absl::Status& outcome) {
  AuditRecord record;
  record.time = core_.clock.NowMillis();
  record.request_id = ctx.request_id;
  record.user_name = ctx.actor;
  record.access_key_id = ctx.access_key_id;
  record.project_id = ctx.project_id;
  record.source = ctx.source;
  record.operation = operation;
  record.parameters = RedactedJson(request);
  record.outcome = outcome.ok() ? "OK" : ErrorCodeOf(outcome);
  record.message = outcome.ok() ? "" : std::string(outcome.message());
  auto written = core_.store.Write(
      [&](Repositories& repos) -> absl::StatusOr<int64_t> { return repos.audit.Append(record); });
  if (!written.ok()) {
    spdlog::error("{} audit record for {} not written: {}", ctx.request_id, operation,
                  written.status().ToString());
  }
}

absl::StatusOr<v1::DescribeAuditEventsResponse> AuditLog::Describe(
    const v1::DescribeAuditEventsRequest& request) {
  AuditQuery query;
  for (const auto& filter : request.filters()) {
    auto column = FilterColumns().find(filter.name());
    if (column == FilterColumns().end()) {
      return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidFilter, "Filters",
                      "The filter '" + filter.name() +
                          "' is not supported; use user-name, project-id, operation, outcome "
                          "or request-id");
    }
    auto& values = query.filters[column->second];
    values.insert(values.end(), filter.values().begin(), filter.values().end());
  }
  if (request.max_results() < 0 || request.max_results() > 1000) {
    return InvalidParameter("MaxResults", "MaxResults must be between 1 and 1000");
  }
  const int page = request.max_results() > 0 ? request.max_results() : 100;
  query.limit = page + 1;
  if (!request.next_token().empty()) {
    std::string decoded;
    int64_t seq = 0;
    if (!absl::WebSafeBase64Unescape(request.next_token(), &decoded) ||
        decoded.rfind(kTokenPrefix, 0) != 0 ||
        !absl::SimpleAtoi(decoded.substr(kTokenPrefix.size()), &seq) || seq <= 0) {
      return ApiError(absl::StatusCode::kInvalidArgument, errc::kInvalidNextToken, "NextToken",
                      "The next token '" + request.next_token() + "' is not one this API issued");
    }
    query.before_seq = seq;
  }
  return core_.store.Read(
      [&](Repositories& repos) -> absl::StatusOr<v1::DescribeAuditEventsResponse> {
        std::vector<AuditRecord> rows = repos.audit.List(query);
        v1::DescribeAuditEventsResponse response;
        const bool more = static_cast<int>(rows.size()) > page;
        if (more) rows.resize(page);
        for (const AuditRecord& r : rows) {
          v1::AuditEvent* e = response.add_audit_events();
          e->set_sequence(r.seq);
          SetTimestamp(e->mutable_time(), r.time);
          e->set_request_id(r.request_id);
          e->set_user_name(r.user_name);
          e->set_access_key_id(r.access_key_id);
          e->set_project_id(r.project_id);
          e->set_source(r.source);
          e->set_operation(r.operation);
          e->set_parameters(r.parameters);
          e->set_outcome(r.outcome);
          e->set_message(r.message);
        }
        if (more) {
          response.set_next_token(absl::WebSafeBase64Escape(std::string(kTokenPrefix) +
                                                            std::to_string(rows.back().seq)));
        }
        return response;
      });
}

}  // namespace gureum::controller
