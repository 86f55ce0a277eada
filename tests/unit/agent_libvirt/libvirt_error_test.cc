#include "agent/hypervisor/libvirt/libvirt_error.h"

#include <libvirt/virterror.h>

#include <catch2/catch.hpp>

#include "agent/sync/failure_kind.h"

namespace gureum::agent {
namespace {

TEST_CASE("libvirt error codes map to the codes the driver contract promises") {
  // This test verifies the mapping behind NotFound, AlreadyExists,
  // FailedPrecondition, InvalidArgument and Unavailable.
  CHECK(StatusCodeForLibvirtError(VIR_ERR_NO_DOMAIN) == absl::StatusCode::kNotFound);
  CHECK(StatusCodeForLibvirtError(VIR_ERR_NO_NETWORK) == absl::StatusCode::kNotFound);
  CHECK(StatusCodeForLibvirtError(VIR_ERR_NO_DOMAIN_METADATA) == absl::StatusCode::kNotFound);
  CHECK(StatusCodeForLibvirtError(VIR_ERR_DOM_EXIST) == absl::StatusCode::kAlreadyExists);
  CHECK(StatusCodeForLibvirtError(VIR_ERR_OPERATION_INVALID) ==
        absl::StatusCode::kFailedPrecondition);
  CHECK(StatusCodeForLibvirtError(VIR_ERR_XML_ERROR) == absl::StatusCode::kInvalidArgument);
  CHECK(StatusCodeForLibvirtError(VIR_ERR_XML_INVALID_SCHEMA) ==
        absl::StatusCode::kInvalidArgument);
  CHECK(StatusCodeForLibvirtError(VIR_ERR_NO_CONNECT) == absl::StatusCode::kUnavailable);
  CHECK(StatusCodeForLibvirtError(VIR_ERR_RPC) == absl::StatusCode::kUnavailable);
  CHECK(StatusCodeForLibvirtError(VIR_ERR_OPERATION_UNSUPPORTED) ==
        absl::StatusCode::kUnimplemented);
  CHECK(StatusCodeForLibvirtError(VIR_ERR_ACCESS_DENIED) == absl::StatusCode::kPermissionDenied);
  CHECK(StatusCodeForLibvirtError(VIR_ERR_INTERNAL_ERROR) == absl::StatusCode::kInternal);
}

TEST_CASE("a libvirt error status names the operation and keeps libvirt's words") {
  // This test verifies the message format "<context>: <libvirt message>".
  absl::Status status = LibvirtErrorStatus(
      VIR_ERR_OPERATION_INVALID, "Requested operation is not valid: domain is not running",
      "shut down gureum-i-1");
  CHECK(absl::IsFailedPrecondition(status));
  CHECK(status.message() ==
        "shut down gureum-i-1: Requested operation is not valid: domain is not running");
  CHECK(absl::IsInternal(LibvirtErrorStatus(VIR_ERR_OK, "", "odd")));
}

TEST_CASE("a failed libvirt call is read back from libvirt's last error") {
  // This test verifies LastLibvirtError on a real failure: opening a
  // connection through a socket that does not exist.
  virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
  virConnectPtr conn = virConnectOpen("qemu+unix:///system?socket=/nonexistent/gureum.sock");
  REQUIRE(conn == nullptr);
  absl::Status status = LastLibvirtError("connect");
  CHECK(absl::IsUnavailable(status));
  CHECK(status.message().find("/nonexistent/gureum.sock") != absl::string_view::npos);
}

TEST_CASE("each libvirt error a start can meet is classified transient or permanent") {
  // This test verifies, per libvirt error (code, the domain that raised it
  // and libvirt's own words), the whole path from libvirt to the sync's
  // decision: retried with backoff, or a failed launch.
  struct Case {
    int code;
    int domain;
    const char* message;
    FailureKind kind;
  };
  const Case cases[] = {
      // libvirtd killed or restarting mid-call.
      {VIR_ERR_SYSTEM_ERROR, VIR_FROM_RPC, "Cannot recv data: Connection reset by peer",
       FailureKind::kTransient},
      {VIR_ERR_SYSTEM_ERROR, VIR_FROM_RPC, "End of file while reading data: Input/output error",
       FailureKind::kTransient},
      {VIR_ERR_SYSTEM_ERROR, VIR_FROM_RPC, "Cannot write data: Broken pipe",
       FailureKind::kTransient},
      {VIR_ERR_INTERNAL_ERROR, VIR_FROM_RPC, "client socket is closed", FailureKind::kTransient},
      {VIR_ERR_SYSTEM_ERROR, VIR_FROM_REMOTE,
       "Failed to connect socket to '/var/run/libvirt/libvirt-sock': Connection refused",
       FailureKind::kTransient},
      {VIR_ERR_NO_CONNECT, VIR_FROM_NONE, "no connection driver available",
       FailureKind::kTransient},
      {VIR_ERR_INVALID_CONN, VIR_FROM_NONE, "invalid connection pointer", FailureKind::kTransient},
      {VIR_ERR_RPC, VIR_FROM_RPC, "Unable to encode message payload", FailureKind::kTransient},
      // A job of the restarted daemon (re-attaching to QEMU) holds the domain.
      {VIR_ERR_OPERATION_TIMEOUT, VIR_FROM_QEMU,
       "Timed out during operation: cannot acquire state change lock", FailureKind::kTransient},
      {VIR_ERR_RESOURCE_BUSY, VIR_FROM_QEMU, "resource busy", FailureKind::kTransient},
      // The domain changed under the call; the next pass reads it again.
      {VIR_ERR_OPERATION_INVALID, VIR_FROM_QEMU,
       "Requested operation is not valid: domain is already running", FailureKind::kTransient},
      {VIR_ERR_NO_DOMAIN, VIR_FROM_QEMU, "Domain not found", FailureKind::kTransient},
      {VIR_ERR_DOM_EXIST, VIR_FROM_QEMU, "domain already exists", FailureKind::kTransient},
      // What retrying cannot fix: a bad definition, a disk QEMU refuses.
      {VIR_ERR_XML_ERROR, VIR_FROM_DOMAIN, "XML error: missing source", FailureKind::kPermanent},
      {VIR_ERR_XML_INVALID_SCHEMA, VIR_FROM_DOMAIN, "does not match schema",
       FailureKind::kPermanent},
      {VIR_ERR_CONFIG_UNSUPPORTED, VIR_FROM_QEMU, "unsupported configuration",
       FailureKind::kPermanent},
      {VIR_ERR_INTERNAL_ERROR, VIR_FROM_QEMU,
       "qemu unexpectedly closed the monitor: Image is not in qcow2 format",
       FailureKind::kPermanent},
      {VIR_ERR_OPERATION_FAILED, VIR_FROM_QEMU, "operation failed", FailureKind::kPermanent},
      {VIR_ERR_ACCESS_DENIED, VIR_FROM_ACCESS, "access denied", FailureKind::kPermanent},
      {VIR_ERR_SYSTEM_ERROR, VIR_FROM_QEMU, "Cannot access storage file", FailureKind::kPermanent},
  };
  for (const Case& c : cases) {
    INFO(c.message);
    absl::Status status = LibvirtErrorStatus(c.code, c.domain, c.message, "start gureum-i-1");
    CHECK(status.message() == std::string("start gureum-i-1: ") + c.message);
    CHECK(FailureKindName(ClassifyFailure(SyncStep::kStart, status)) ==
          std::string(FailureKindName(c.kind)));
  }
}

}  // namespace
}  // namespace gureum::agent
