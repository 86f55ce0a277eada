#include "agent/hypervisor/libvirt/libvirt_error.h"

#include <libvirt/virterror.h>

#include <catch2/catch.hpp>

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

}  // namespace
}  // namespace gureum::agent
