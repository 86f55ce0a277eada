// EventRepository: the append-only record of every change (who, what, when,
// request id). Called inside a Store transaction.
#pragma once

#include <string>
#include <vector>

#include "controller/store/database.h"
#include "controller/store/records.h"

namespace gureum::controller {

class EventRepository {
 public:
  explicit EventRepository(Database& db) : db_(db) {}

  // Appends and returns the event's sequence number.
  int64_t Append(const EventRecord& event);
  // Events with seq > after, optionally of one resource, oldest first.
  std::vector<EventRecord> ListAfter(int64_t after, const std::string& resource_id, int limit);
  int64_t LastSequence();

 private:
  Database& db_;
};

}  // namespace gureum::controller
