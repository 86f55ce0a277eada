// AgentCertificateAuthority: signs agents' certificate requests with the key
// of the CA given as --client-ca (--agent-ca-key). The certificate names the
// host, whatever the request asked for: subject CN = host name, SAN DNS =
// host name, extendedKeyUsage clientAuth only, not a CA, SHA-256, valid from
// now for `validity_days`. Only the request's public key is used, after its
// self-signature checks out. Thread-safe after Load (signing reads only).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <absl/status/statusor.h>

namespace gureum::controller {

class AgentCertificateAuthority {
 public:
  // InvalidArgumentError when the PEM does not parse or the key is not the
  // certificate's.
  static absl::StatusOr<std::unique_ptr<AgentCertificateAuthority>> Load(
      const std::string& ca_certificate_pem, const std::string& ca_key_pem, int validity_days);
  ~AgentCertificateAuthority();

  // The signed certificate (PEM); InvalidArgumentError for a bad request.
  absl::StatusOr<std::string> Sign(const std::string& csr_pem, const std::string& host_name,
                                   std::chrono::system_clock::time_point now) const;
  const std::string& ca_certificate_pem() const { return ca_certificate_pem_; }

 private:
  struct Keys;
  AgentCertificateAuthority(std::string ca_certificate_pem, std::unique_ptr<Keys> keys,
                            int validity_days);
  std::string ca_certificate_pem_;
  std::unique_ptr<Keys> keys_;
  int validity_days_;
};

}  // namespace gureum::controller
