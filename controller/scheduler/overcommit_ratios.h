// How far the scheduler may allocate beyond a host's physical vCPUs, memory
// and disk (defaults cpu 4.0, ram 1.0, disk 1.0, as Nova's).
#pragma once

namespace gureum::controller {

struct OvercommitRatios {
  double cpu = 4.0;
  double ram = 1.0;
  double disk = 1.0;
};

}  // namespace gureum::controller
