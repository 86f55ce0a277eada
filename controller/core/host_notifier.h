// HostNotifier: told after a commit that a host's desired set changed, and
// for which of its instances, so the agent session can patch and push it.
// Delivery is best effort by design: agents get their whole desired set on
// every (re)connect, so a lost push loses nothing.
#pragma once

#include <set>
#include <string>

namespace gureum::controller {

class HostNotifier {
 public:
  virtual ~HostNotifier() = default;
  // `instance_ids`: every instance of the host whose desired entry changed,
  // appeared or left the set (terminated) in the commit.
  virtual void HostChanged(const std::string& host_id,
                           const std::set<std::string>& instance_ids) = 0;
};

}  // namespace gureum::controller
