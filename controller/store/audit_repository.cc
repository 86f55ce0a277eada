#include "controller/store/audit_repository.h"

namespace gureum::controller {

int64_t AuditRepository::Append(const AuditRecord& r) {
  db_.Prepare(
         "INSERT INTO audit_events (time, request_id, user_name, access_key_id, project_id, "
         "source, operation, parameters, outcome, message) VALUES (?,?,?,?,?,?,?,?,?,?)")
      .Bind(1, r.time)
      .Bind(2, r.request_id)
      .Bind(3, r.user_name)
      .Bind(4, r.access_key_id)
      .Bind(5, r.project_id)
      .Bind(6, r.source)
      .Bind(7, r.operation)
      .Bind(8, r.parameters)
      .Bind(9, r.outcome)
      .Bind(10, r.message)
      .Run();
  return db_.LastInsertRowId();
}

std::vector<AuditRecord> AuditRepository::List(const AuditQuery& query) {
  // Column names come from a fixed set (AuditLog validates the filter names).
  std::string sql =
      "SELECT seq, time, request_id, user_name, access_key_id, project_id, source, operation, "
      "parameters, outcome, message FROM audit_events WHERE (? = 0 OR seq < ?)";
  for (const auto& [column, values] : query.filters) {
    sql += " AND " + column + " IN (";
    for (size_t i = 0; i < values.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
  }
  sql += " ORDER BY seq DESC LIMIT ?";
  Statement s = db_.Prepare(sql);
  s.Bind(1, query.before_seq).Bind(2, query.before_seq);
  int index = 3;
  for (const auto& [column, values] : query.filters) {
    for (const std::string& value : values) s.Bind(index++, value);
  }
  s.Bind(index, query.limit);
  std::vector<AuditRecord> out;
  while (s.Step()) {
    out.push_back(AuditRecord{s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5),
                              s.Text(6), s.Text(7), s.Text(8), s.Text(9), s.Text(10)});
  }
  return out;
}

}  // namespace gureum::controller
