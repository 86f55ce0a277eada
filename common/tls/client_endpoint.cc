#include "common/tls/client_endpoint.h"

#include <grpcpp/security/credentials.h>

#include "common/tls/network_address.h"
#include "common/tls/pem_files.h"

namespace gureum {

absl::StatusOr<ClientEndpoint> ClientEndpoint::Resolve(const std::string& endpoint,
                                                       const std::string& ca_bundle_path,
                                                       const std::string& ca_source) {
  ClientEndpoint result;
  std::string scheme;
  std::string rest = endpoint;
  if (size_t pos = endpoint.find("://"); pos != std::string::npos) {
    scheme = endpoint.substr(0, pos);
    rest = endpoint.substr(pos + 3);
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (scheme != "https" && scheme != "http") {
      return absl::InvalidArgumentError("endpoint " + endpoint +
                                        ": the scheme must be https:// or http://");
    }
  }
  auto host_port = SplitHostPort(rest);
  if (!host_port.ok()) {
    return absl::InvalidArgumentError("endpoint " + endpoint + ": " +
                                      std::string(host_port.status().message()));
  }
  const bool loopback = IsLoopbackHost(host_port->host);
  if (scheme == "https") {
    result.tls_ = true;
  } else if (scheme == "http") {
    if (!loopback) {
      return absl::InvalidArgumentError(
          "endpoint " + endpoint +
          ": plaintext (http://) is allowed only to a loopback host (127.0.0.0/8, ::1, "
          "localhost); use https:// with " +
          ca_source);
    }
  } else if (!ca_bundle_path.empty()) {
    result.tls_ = true;
  } else if (!loopback) {
    return absl::InvalidArgumentError(
        "endpoint " + endpoint + ": not a loopback host, so the connection must use TLS: write " +
        "https://" + rest + " or give " + ca_source +
        " (plaintext is allowed only to 127.0.0.0/8, ::1 or localhost)");
  }
  if (result.tls_ && !ca_bundle_path.empty()) {
    auto pem = ReadPemFile(ca_source, ca_bundle_path);
    if (!pem.ok()) return pem.status();
    result.ca_pem_ = *pem;
  }
  result.target_ = rest;
  result.host_ = host_port->host;
  return result;
}

std::shared_ptr<grpc::ChannelCredentials> ClientEndpoint::Credentials(
    const ClientIdentity& identity) const {
  if (!tls_) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ca_pem_;
  options.pem_cert_chain = identity.certificate_pem;
  options.pem_private_key = identity.private_key_pem;
  return grpc::SslCredentials(options);
}

}  // namespace gureum
