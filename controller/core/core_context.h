// CoreContext: what every core operation needs (store, clock, ids, the agent
// notifier and the event bus), and Commit(): one store transaction whose
// ChangeSet is announced only after it commits.
#pragma once

#include <set>
#include <string>

#include "common/clock.h"
#include "common/id_generator.h"
#include "controller/core/event_bus.h"
#include "controller/core/host_notifier.h"
#include "controller/core/request_context.h"
#include "controller/store/store.h"

namespace gureum::controller {

// What a transaction touched: hosts whose desired set changed and the newest
// event sequence it appended.
struct ChangeSet {
  std::set<std::string> hosts;
  int64_t last_event = 0;
};

struct CoreContext {
  Store& store;
  const Clock& clock;
  IdGenerator& ids;
  HostNotifier& notifier;
  EventBus& events;
};

// Runs fn(Repositories&, ChangeSet&) in one transaction; after a successful
// commit, tells the agents and event watchers.
template <typename Fn>
auto Commit(CoreContext& core, Fn&& fn) {
  ChangeSet changes;
  auto result = core.store.Write([&](Repositories& repos) { return fn(repos, changes); });
  if (result.ok()) {
    for (const auto& host : changes.hosts) core.notifier.HostChanged(host);
    if (changes.last_event > 0) core.events.Published(changes.last_event);
  }
  return result;
}

// Appends an event stamped with the request's identity.
void RecordEvent(Repositories& repos, ChangeSet& changes, const RequestContext& ctx, int64_t now,
                 const std::string& resource_type, const std::string& resource_id,
                 const std::string& type, const std::string& message,
                 const std::string& from_state = "", const std::string& to_state = "");

}  // namespace gureum::controller
