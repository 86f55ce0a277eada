#include "controller/core/core_context.h"

namespace gureum::controller {

void RecordEvent(Repositories& repos, ChangeSet& changes, const RequestContext& ctx, int64_t now,
                 const std::string& resource_type, const std::string& resource_id,
                 const std::string& type, const std::string& message, const std::string& from_state,
                 const std::string& to_state) {
  EventRecord event;
  event.time = now;
  event.request_id = ctx.request_id;
  event.actor = ctx.actor;
  event.project_id = ctx.project_id;
  event.resource_type = resource_type;
  event.resource_id = resource_id;
  event.type = type;
  event.message = message;
  event.from_state = from_state;
  event.to_state = to_state;
  changes.last_event = repos.events.Append(event);
}

}  // namespace gureum::controller
