// HostNotifier: told after a commit that a host's desired set changed, so the
// agent session can push it. Delivery is best effort by design: agents get
// their whole desired set on every (re)connect, so a lost push loses nothing.
#pragma once

#include <string>

namespace gureum::controller {

class HostNotifier {
 public:
  virtual ~HostNotifier() = default;
  virtual void HostChanged(const std::string& host_id) = 0;
};

}  // namespace gureum::controller
