#include "controller/security/server_credentials_factory.h"

#include <grpcpp/security/server_credentials.h>

#include "common/tls/network_address.h"
#include "common/tls/pem_files.h"

namespace gureum::controller {

absl::Status ServerCredentialsFactory::Validate(const std::string& listen,
                                                const ServerTlsOptions& options) {
  if (options.plaintext && options.tls()) {
    return absl::InvalidArgumentError("--plaintext cannot be combined with --tls-cert/--tls-key");
  }
  if (options.plaintext) {
    auto address = SplitHostPort(listen);
    if (!address.ok()) return address.status();
    if (!IsLoopbackHost(address->host)) {
      return absl::InvalidArgumentError(
          "--plaintext is allowed only when --listen is a loopback address (127.0.0.0/8, ::1, "
          "localhost), not " +
          listen + "; serve TLS with --tls-cert and --tls-key instead");
    }
    if (!options.client_ca_file.empty()) {
      return absl::InvalidArgumentError("--client-ca needs TLS (--tls-cert and --tls-key)");
    }
    return absl::OkStatus();
  }
  if (!options.tls()) {
    return absl::InvalidArgumentError(
        "no transport security chosen: give --tls-cert and --tls-key (and --client-ca to "
        "identify agents), or --plaintext on a loopback --listen address");
  }
  if (options.cert_file.empty() || options.key_file.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFactory::Build(
    const std::string& listen, const ServerTlsOptions& options) {
  if (auto s = Validate(listen, options); !s.ok()) return s;
  if (options.plaintext) return grpc::InsecureServerCredentials();
  auto cert = ReadPemFile("--tls-cert", options.cert_file);
  if (!cert.ok()) return cert.status();
  auto key = ReadPemFile("--tls-key", options.key_file);
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  if (!options.client_ca_file.empty()) {
    auto ca = ReadPemFile("--client-ca", options.client_ca_file);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
    // Requested and verified when presented, not required: API users on
    // this port authenticate with keys, not certificates.
    ssl.client_certificate_request = GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

}  // namespace gureum::controller
