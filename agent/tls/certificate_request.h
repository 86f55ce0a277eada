// CertificateRequest: a fresh EC P-256 private key and a PKCS#10 request
// for it (subject CN = the host name, SHA-256), which the agent sends with its
// join token. The key never leaves the host. Thread-safe (no shared state).
#pragma once

#include <string>

#include <absl/status/statusor.h>

namespace gureum::agent {

struct CertificateRequest {
  std::string private_key_pem;  // PKCS#8
  std::string csr_pem;

  static absl::StatusOr<CertificateRequest> Generate(const std::string& host_name);
};

}  // namespace gureum::agent
