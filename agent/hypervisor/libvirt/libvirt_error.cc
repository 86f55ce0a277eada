#include "agent/hypervisor/libvirt/libvirt_error.h"

#include <libvirt/virterror.h>

namespace gureum::agent {

absl::StatusCode StatusCodeForLibvirtError(int libvirt_code) {
  switch (libvirt_code) {
    case VIR_ERR_OK:
      return absl::StatusCode::kOk;
    case VIR_ERR_NO_DOMAIN:
    case VIR_ERR_NO_NETWORK:
    case VIR_ERR_NO_DOMAIN_METADATA:
    case VIR_ERR_NO_STORAGE_POOL:
    case VIR_ERR_NO_STORAGE_VOL:
    case VIR_ERR_NO_DOMAIN_SNAPSHOT:
      return absl::StatusCode::kNotFound;
    case VIR_ERR_DOM_EXIST:
    case VIR_ERR_NETWORK_EXIST:
    case VIR_ERR_STORAGE_VOL_EXIST:
      return absl::StatusCode::kAlreadyExists;
    // "domain is not running", "domain is already running": the domain is in
    // the wrong state for the request.
    case VIR_ERR_OPERATION_INVALID:
      return absl::StatusCode::kFailedPrecondition;
    case VIR_ERR_INVALID_ARG:
    case VIR_ERR_XML_ERROR:
    case VIR_ERR_XML_DETAIL:
    case VIR_ERR_XML_INVALID_SCHEMA:
    case VIR_ERR_CONFIG_UNSUPPORTED:
    case VIR_ERR_INVALID_MAC:
    case VIR_ERR_NO_KERNEL:
    case VIR_ERR_NO_SOURCE:
    case VIR_ERR_NO_TARGET:
    case VIR_ERR_NO_NAME:
    case VIR_ERR_NO_OS:
    case VIR_ERR_OS_TYPE:
    case VIR_ERR_CPU_INCOMPATIBLE:
      return absl::StatusCode::kInvalidArgument;
    case VIR_ERR_NO_SUPPORT:
    case VIR_ERR_OPERATION_UNSUPPORTED:
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
      return absl::StatusCode::kUnimplemented;
    case VIR_ERR_OPERATION_DENIED:
    case VIR_ERR_ACCESS_DENIED:
    case VIR_ERR_AUTH_FAILED:
    case VIR_ERR_AUTH_CANCELLED:
      return absl::StatusCode::kPermissionDenied;
    // The daemon is gone or not answering: worth retrying later.
    case VIR_ERR_NO_CONNECT:
    case VIR_ERR_INVALID_CONN:
    case VIR_ERR_RPC:
    case VIR_ERR_OPERATION_TIMEOUT:
    case VIR_ERR_AGENT_UNRESPONSIVE:
    case VIR_ERR_AUTH_UNAVAILABLE:
    case VIR_ERR_NO_SERVER:
      return absl::StatusCode::kUnavailable;
    case VIR_ERR_RESOURCE_BUSY:
    case VIR_ERR_OPERATION_ABORTED:
      return absl::StatusCode::kAborted;
    case VIR_ERR_OVERFLOW:
      return absl::StatusCode::kOutOfRange;
    default:
      return absl::StatusCode::kInternal;
  }
}

absl::Status LibvirtErrorStatus(int libvirt_code, const std::string& libvirt_message,
                                const std::string& context) {
  absl::StatusCode code = StatusCodeForLibvirtError(libvirt_code);
  if (code == absl::StatusCode::kOk) code = absl::StatusCode::kInternal;
  std::string message = context;
  if (!libvirt_message.empty()) message += ": " + libvirt_message;
  return absl::Status(code, message);
}

absl::Status LibvirtErrorStatus(int libvirt_code, int error_domain,
                                const std::string& libvirt_message, const std::string& context) {
  // A system or internal error of the client's RPC layer (EOF, connection
  // reset, "client socket is closed") means the daemon went away mid-call,
  // not that the request was wrong. Errors the daemon itself raised arrive
  // with the domain of the driver that raised them (VIR_FROM_QEMU, ...).
  if ((libvirt_code == VIR_ERR_SYSTEM_ERROR || libvirt_code == VIR_ERR_INTERNAL_ERROR) &&
      (error_domain == VIR_FROM_RPC || error_domain == VIR_FROM_REMOTE)) {
    return absl::UnavailableError(context + ": " + libvirt_message);
  }
  return LibvirtErrorStatus(libvirt_code, libvirt_message, context);
}

absl::Status LastLibvirtError(const std::string& context) {
  virErrorPtr error = virGetLastError();
  if (error == nullptr || error->code == VIR_ERR_OK) {
    return absl::InternalError(context + ": libvirt reported no error detail");
  }
  const std::string message = error->message != nullptr ? error->message : "";
  return LibvirtErrorStatus(error->code, error->domain, message, context);
}

int LastLibvirtErrorCode() {
  virErrorPtr error = virGetLastError();
  return error != nullptr ? error->code : VIR_ERR_OK;
}

}  // namespace gureum::agent
