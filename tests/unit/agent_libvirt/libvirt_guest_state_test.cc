#include <libvirt/libvirt.h>

#include <catch2/catch.hpp>

#include "agent/hypervisor/libvirt/libvirt_guest.h"

namespace gureum::agent {
namespace {

TEST_CASE("libvirt domain states map onto PowerState with a reason") {
  // This test verifies the state table, row by row.
  CHECK(LibvirtGuest::MapState(VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED) ==
        GuestState{PowerState::kRunning, "booted"});
  CHECK(LibvirtGuest::MapState(VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED) ==
        GuestState{PowerState::kRunning, "resumed"});
  CHECK(LibvirtGuest::MapState(VIR_DOMAIN_BLOCKED, 0).power == PowerState::kRunning);
  CHECK(LibvirtGuest::MapState(VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_IOERROR) ==
        GuestState{PowerState::kPaused, "paused on a disk I/O error"});
  CHECK(LibvirtGuest::MapState(VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTDOWN_USER) ==
        GuestState{PowerState::kShuttingDown, "shutting down on request"});
  CHECK(LibvirtGuest::MapState(VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN) ==
        GuestState{PowerState::kShutoff, "guest shut down"});
  CHECK(LibvirtGuest::MapState(VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_DESTROYED) ==
        GuestState{PowerState::kShutoff, "powered off"});
  CHECK(LibvirtGuest::MapState(VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_FAILED) ==
        GuestState{PowerState::kShutoff, "failed to start"});
  CHECK(LibvirtGuest::MapState(VIR_DOMAIN_CRASHED, VIR_DOMAIN_CRASHED_PANICKED) ==
        GuestState{PowerState::kCrashed, "guest panicked"});
  CHECK(LibvirtGuest::MapState(VIR_DOMAIN_PMSUSPENDED, 0).power == PowerState::kPaused);
  CHECK(LibvirtGuest::MapState(VIR_DOMAIN_NOSTATE, 0).power == PowerState::kShutoff);
}

}  // namespace
}  // namespace gureum::agent
