#include "controller/store/event_repository.h"

namespace gureum::controller {

int64_t EventRepository::Append(const EventRecord& e) {
  db_.Prepare(
         "INSERT INTO events (time, request_id, actor, project_id, resource_type, resource_id, "
         "type, message, from_state, to_state) VALUES (?,?,?,?,?,?,?,?,?,?)")
      .Bind(1, e.time)
      .Bind(2, e.request_id)
      .Bind(3, e.actor)
      .Bind(4, e.project_id)
      .Bind(5, e.resource_type)
      .Bind(6, e.resource_id)
      .Bind(7, e.type)
      .Bind(8, e.message)
      .Bind(9, e.from_state)
      .Bind(10, e.to_state)
      .Run();
  return db_.LastInsertRowId();
}

std::vector<EventRecord> EventRepository::ListAfter(int64_t after, const std::string& resource_id,
                                                    int limit) {
  Statement s = db_.Prepare(
      "SELECT seq, time, request_id, actor, project_id, resource_type, resource_id, type, "
      "message, from_state, to_state FROM events WHERE seq > ? AND (? = '' OR resource_id = ?) "
      "ORDER BY seq LIMIT ?");
  s.Bind(1, after).Bind(2, resource_id).Bind(3, resource_id).Bind(4, limit);
  std::vector<EventRecord> out;
  while (s.Step()) {
    out.push_back(EventRecord{s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5),
                              s.Text(6), s.Text(7), s.Text(8), s.Text(9), s.Text(10)});
  }
  return out;
}

int64_t EventRepository::LastSequence() {
  Statement s = db_.Prepare("SELECT COALESCE(MAX(seq), 0) FROM events");
  s.Step();
  return s.Int(0);
}

}  // namespace gureum::controller
