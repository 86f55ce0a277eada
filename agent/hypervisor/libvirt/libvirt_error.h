// Translation of libvirt errors into absl::Status, in one place, so that
// libvirt error codes never leave hypervisor/libvirt/. Thread-safe: libvirt
// keeps the last error per thread, and the mapping itself is a pure function.
#pragma once

#include <string>

#include <absl/status/status.h>

namespace gureum::agent {

// The canonical code for a libvirt error code (virErrorNumber).
absl::StatusCode StatusCodeForLibvirtError(int libvirt_code);

// "<context>: <libvirt message>" with the mapped code.
absl::Status LibvirtErrorStatus(int libvirt_code, const std::string& libvirt_message,
                                const std::string& context);

// The same for an error raised by libvirt's `error_domain` (virErrorDomain):
// the client's own connection errors (VIR_FROM_RPC, VIR_FROM_REMOTE: "Cannot
// recv data: Connection reset by peer", "client socket is closed", "End of
// file while reading data") mean the daemon went away mid-call and are
// Unavailable, whatever their code.
absl::Status LibvirtErrorStatus(int libvirt_code, int error_domain,
                                const std::string& libvirt_message, const std::string& context);

// The calling thread's last libvirt error (virGetLastError) as a status; use
// right after a libvirt call failed. Internal if libvirt recorded none.
absl::Status LastLibvirtError(const std::string& context);

// The calling thread's last libvirt error code (VIR_ERR_OK if none), for the
// few places that must tell one failure from another.
int LastLibvirtErrorCode();

}  // namespace gureum::agent
