#include "controller/core/janitor.h"

namespace gureum::controller {

absl::StatusOr<int> Janitor::RunOnce() {
  const int64_t now = core_.clock.NowMillis();
  return core_.store.Write([&](Repositories& repos) -> absl::StatusOr<int> {
    // Stamp ended resources before their rows can be purged.
    repos.client_tokens.MarkEnded(now);
    int purged = repos.instances.PurgeTerminatedBefore(now - options_.terminated_retention.count());
    repos.client_tokens.PurgeBefore(now - options_.client_token_retention.count(),
                                    now - options_.client_token_after_end.count());
    return purged;
  });
}

}  // namespace gureum::controller
